import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROBLEM_TYPE_PREFIX } from './problem-details';
import { describeProblemTypes } from './problem-types';

export class FieldErrorDto {
  @ApiProperty({ example: 'title' })
  field!: string;

  @ApiProperty({ type: [String], example: ['title must be a string'] })
  messages!: string[];
}

/** OpenAPI schema of RFC 9457 problem details. */
export class ProblemDetailsDto {
  @ApiProperty({
    description:
      'Stable identifier of the problem type; clients branch on this. One of:\n\n' +
      describeProblemTypes(PROBLEM_TYPE_PREFIX),
    example: 'urn:todo-service:problem:todo-not-found',
  })
  type!: string;

  @ApiProperty({ description: 'Short summary of the problem type.', example: 'Todo not found' })
  title!: string;

  @ApiProperty({ description: 'The HTTP status code.', example: 404 })
  status!: number;

  @ApiProperty({
    description: 'What went wrong with this request.',
    example: 'Todo 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e does not exist.',
  })
  detail!: string;

  @ApiPropertyOptional({
    description: 'The request path.',
    example: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  })
  instance?: string;

  @ApiPropertyOptional({ description: 'Stable domain error code.', example: 'TODO_NOT_FOUND' })
  code?: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'Every invalid input (validation problems).',
  })
  errors?: FieldErrorDto[];
}
