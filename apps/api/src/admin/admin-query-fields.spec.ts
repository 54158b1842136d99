import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { OneOfField, PageField } from './admin-query-fields.js';

class Query {
  @OneOfField('colour', ['red', 'blue'])
  colour?: string;

  @PageField()
  page?: number;
}

const problems = (query: Record<string, string>) =>
  validateSync(plainToInstance(Query, query)).map((error) => [error.property, Object.values(error.constraints ?? {})]);

describe('admin query fields', () => {
  it('take a missing field as absent, and a page from 1 to 100000 as a number', () => {
    expect(problems({})).toEqual([]);
    expect(problems({ colour: 'red', page: '1' })).toEqual([]);
    expect(plainToInstance(Query, { page: '100000' }).page).toBe(100000);
  });

  it('name the field in every refusal', () => {
    expect(problems({ colour: 'green' })).toEqual([['colour', ['colour must be one of red, blue']]]);
    expect(problems({ page: 'two' })).toEqual([['page', expect.arrayContaining(['page must be a whole number'])]]);
    for (const page of ['0', '100001', '1.5']) {
      const [[field, messages]] = problems({ page });
      expect([page, field, (messages as string[]).every((m) => m.startsWith('page '))]).toEqual([page, 'page', true]);
    }
  });
});
