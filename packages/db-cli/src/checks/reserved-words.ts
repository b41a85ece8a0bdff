// Words a provider's parser reserves, so a table of that name must be quoted. Each list is what the
// server itself says, kept here so `execute` needs no extra round trip; `reserved-words.int.test.ts`
// derives both again from a real server and fails when they drift.

/**
 * PostgreSQL 18: `SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')` (reserved, and
 * reserved but allowed as a function or type name): none can name a table unquoted. Some read as a
 * value instead (`user` is `current_user`), which turns `FROM User` into a one-row answer.
 */
const POSTGRESQL = `all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate
collation column concurrently constraint create cross current_catalog current_date current_role current_schema current_time
current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze from full
grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references returning right
select session_user similar some symmetric system_user table tablesample then to trailing true union unique user using
variadic verbose when where window with`;

/**
 * MariaDB 10.11: the words of `information_schema.KEYWORDS` (which has no reserved flag) that the
 * server refuses as an unquoted table name (`CREATE TEMPORARY TABLE <word> (x INT)` fails with 1064).
 */
const MYSQL = `accessible add all alter analyze and as asc asensitive before between bigint binary blob both by call cascade
case change char character check collate column condition constraint continue convert create cross current_date
current_role current_time current_timestamp current_user cursor databases day_hour day_microsecond day_minute day_second
dec decimal declare default delayed delete delete_domain_id desc describe deterministic distinct distinctrow div double
do_domain_ids drop dual each else elseif enclosed escaped except exists exit explain false fetch float float4 float8 for
force foreign from fulltext grant group having high_priority hour_microsecond hour_minute hour_second if ignore
ignore_domain_ids in index infile inner inout insensitive insert int int1 int2 int3 int4 int8 integer intersect interval
into is iterate join key keys kill leading leave left like limit linear lines load localtime localtimestamp lock long
longblob longtext loop low_priority master_demote_to_replica master_demote_to_slave master_ssl_verify_server_cert match
maxvalue mediumblob mediumint mediumtext middleint minute_microsecond minute_second mod modifies natural not
no_write_to_binlog null numeric offset on optimize optionally or order out outer outfile over page_checksum parse_vcol_expr
partition portion precision primary procedure purge range read reads read_write real recursive references ref_system_id
regexp release rename repeat replace require resignal restrict return returning revoke right rlike rows row_number
schemas second_microsecond select sensitive separator set show signal smallint spatial specific sql sqlexception sqlstate
sqlwarning sql_big_result sql_calc_found_rows sql_small_result ssl starting stats_auto_recalc stats_persistent
stats_sample_pages straight_join table terminated then tinyblob tinyint tinytext to trailing trigger true undo union
unique unlock unsigned update usage use using utc_date utc_time utc_timestamp values varbinary varchar varcharacter
varying when where while with write xor year_month zerofill`;

const words = (list: string): ReadonlySet<string> => new Set(list.split(/\s+/).filter(Boolean));

/**
 * The reserved words of each provider that has them, lower case. SQLite has none here: it reads a
 * keyword in a table's place as that table's name where it can, and refuses it otherwise, so an
 * unquoted keyword never silently means something else.
 */
export const RESERVED_WORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  postgresql: words(POSTGRESQL),
  cockroachdb: words(POSTGRESQL),
  mysql: words(MYSQL),
};
