export { CliError, isCliError } from "./cli-error.js";
export { type Command, main } from "./main.js";
