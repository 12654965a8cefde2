import type { HandlerTable } from '../http/handler.ts';
import { bookAppointment } from './book-appointment.ts';
import { amendAppointment, cancelAppointment } from './change-appointment.ts';
import { readAppointment, searchPatientAppointments } from './read-appointments.ts';
import { searchFreeSlots } from './search-free-slots.ts';

/** The Appointment Management capability (appointments.md). */
export const appointmentHandlers: HandlerTable = {
  searchFreeSlots,
  bookAppointment,
  readAppointment,
  searchPatientAppointments,
  amendAppointment,
  cancelAppointment,
};
