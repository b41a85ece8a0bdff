import { describe, expect, test } from '@jest/globals';
import { modelTableNames, reservedTableNames } from './reserved-table-names.js';

const SCHEMA = `
model User {
  id Int @id
}

model Purchase {
  id Int @id
  @@map("order")
}

model Note {
  id Int @id
}
`;

describe('modelTableNames', () => {
  test("each model's table: @@map when it has one, else its name", () => {
    expect(modelTableNames(SCHEMA)).toEqual(['User', 'order', 'Note']);
  });
});

describe('reservedTableNames', () => {
  test("the seed's example on Postgres: FROM User is the USER keyword; quote it", () => {
    expect(reservedTableNames('SELECT COUNT(*) FROM User;', 'postgresql', SCHEMA)).toEqual([{ word: 'User', table: 'User', quoted: '"User"' }]);
  });

  test('a mapped table on MySQL is quoted with backticks; a word that is only a table, or only reserved, is not reported', () => {
    expect(reservedTableNames('SELECT * FROM ORDER o JOIN Note n ON n.id = o.id WHERE 1 = 1', 'mysql', SCHEMA)).toEqual([{ word: 'ORDER', table: 'order', quoted: '`order`' }]);
    // USER is not reserved in MariaDB: `FROM User` names the table there.
    expect(reservedTableNames('SELECT COUNT(*) FROM User', 'mysql', SCHEMA)).toEqual([]);
  });

  test('quoted, qualified, in a string or a comment: the table is meant and named, nothing to say', () => {
    const sql = `SELECT 'FROM User' AS s, $$User$$ AS d FROM "User" JOIN public.user ON true -- FROM User\n/* User */`;
    expect(reservedTableNames(sql, 'postgresql', SCHEMA)).toEqual([]);
    expect(reservedTableNames("SELECT 'order', `order` FROM `order` # order", 'mysql', SCHEMA)).toEqual([]);
  });

  test('each table once, however often it is named; SQLite and unknown providers have no list', () => {
    expect(reservedTableNames('SELECT * FROM User UNION SELECT * FROM user', 'postgresql', SCHEMA)).toHaveLength(1);
    expect(reservedTableNames('SELECT * FROM User', 'sqlite', SCHEMA)).toEqual([]);
  });
});
