import { ApiProperty } from '@nestjs/swagger';

export class ListTodoResponseDto {
  @ApiProperty({ format: 'uuid', example: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e' })
  id!: string;

  @ApiProperty({ description: "The todo's current title.", example: 'Buy milk' })
  title!: string;

  @ApiProperty({ example: false })
  completed!: boolean;
}

export class ListCountsResponseDto {
  @ApiProperty({ description: 'Todos the list shows.', example: 1 })
  total!: number;

  @ApiProperty({ description: 'Of those, completed.', example: 0 })
  completed!: number;
}

export class ListSummaryResponseDto {
  @ApiProperty({ format: 'uuid', example: '0f8e4c1a-7d2b-4e5f-9a3c-6b1d2e3f4a5b' })
  id!: string;

  @ApiProperty({ example: 'Groceries' })
  name!: string;

  @ApiProperty({ description: 'An archived list takes no more changes.', example: false })
  archived!: boolean;

  @ApiProperty({
    description:
      "The list's version: the sequence number of its last event (its todos' changes do not move it).",
    example: 2,
  })
  version!: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T10:00:00.000Z' })
  updatedAt!: string;

  @ApiProperty({ type: ListCountsResponseDto })
  counts!: ListCountsResponseDto;
}

export class ListResponseDto extends ListSummaryResponseDto {
  @ApiProperty({
    type: [ListTodoResponseDto],
    description: 'In the order they were added; deleted todos are left out.',
  })
  todos!: ListTodoResponseDto[];
}

export class ListPageResponseDto {
  @ApiProperty({ type: [ListSummaryResponseDto], description: 'Newest first.' })
  items!: ListSummaryResponseDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; `null` on the last page.',
    example: 'WyIyMDI2LTExLTI3VDEwOjAwOjAwLjAwMDAwMFoiLCIzZjFjIl0.c2lnbmF0dXJl',
  })
  nextCursor!: string | null;
}
