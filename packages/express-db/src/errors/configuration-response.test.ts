import { expect, test } from '@jest/globals';
import { publicDetail } from './configuration-response.js';

test('paths under the working directory become relative in an HTTP detail; other text is kept', () => {
  const message = 'No generated client for database "shop" at /srv/app/src/app/db/shop/client: run `kusto-db generate -d shop`.';
  expect(publicDetail(message, '/srv/app')).toBe('No generated client for database "shop" at src/app/db/shop/client: run `kusto-db generate -d shop`.');
  expect(publicDetail(message, '/srv/app/')).toBe(publicDetail(message, '/srv/app'));
  expect(publicDetail('set RDS_SHOP_URL', '/srv/app')).toBe('set RDS_SHOP_URL');
  // A sibling directory sharing the prefix is not touched.
  expect(publicDetail('at /srv/application/x', '/srv/app')).toBe('at /srv/application/x');
});
