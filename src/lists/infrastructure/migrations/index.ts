import { ListsTables1764231300001 } from './1764231300001-lists-tables';

/** The lists module's tables. */
export const LISTS_MIGRATIONS = [ListsTables1764231300001];
