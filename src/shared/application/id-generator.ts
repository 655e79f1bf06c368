import { v4 as uuidv4 } from 'uuid';

/** New aggregate ids come from here, never from the domain. */
export abstract class IdGenerator {
  abstract newId(): string;
}

export class UuidV4Generator extends IdGenerator {
  newId(): string {
    return uuidv4();
  }
}
