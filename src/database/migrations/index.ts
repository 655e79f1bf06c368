import { InitialSchema1764230400000 } from './1764230400000-initial-schema';

/** Every schema migration, oldest first. */
export const migrations = [InitialSchema1764230400000];
