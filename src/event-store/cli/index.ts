/**
 * The event store's command-line adapter, a second entry point beside `../index.ts`: only a
 * command-line program imports it, so the module's API carries no CLI library.
 */
export { registerProjectionCommands } from './projections.cli';
export type { AppLookup, ProgressOutput, RunWithApp } from './projections.cli';
