//! psql's describe commands (`\\d` and friends) against the server print
//! what PostgreSQL 15 prints for the same schema: they read `pg_class`,
//! `pg_attribute`, `pg_index`, `pg_constraint`, … and call
//! `pg_get_indexdef`, `pg_get_constraintdef`, `format_type`, … The
//! expected text below was produced by psql 15 against PostgreSQL 15.

mod common;

use common::{psql, run_psql, TestServer};

/// The schema both servers were given.
const SCHEMA: &[&str] = &[
    "CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'anon', born int CHECK (born > 1000), email varchar(100) UNIQUE);",
    "CREATE TABLE books (id int PRIMARY KEY, author_id int REFERENCES authors (id) ON DELETE CASCADE, title varchar(200) NOT NULL, price numeric(8,2), tags text[]);",
    "CREATE INDEX books_title ON books (title);",
    "CREATE VIEW author_names AS SELECT id, name FROM authors;",
    "CREATE SEQUENCE ticket_seq;",
    "CREATE DATABASE app;",
];

/// (psql command, PostgreSQL 15's output).
const CASES: &[(&str, &str)] = &[
    (
        r"\df",
        r#"                       List of functions
 Schema | Name | Result data type | Argument data types | Type 
--------+------+------------------+---------------------+------
(0 rows)

"#,
    ),
    (
        r"\df abs",
        r#"                         List of functions
   Schema   | Name | Result data type | Argument data types | Type 
------------+------+------------------+---------------------+------
 pg_catalog | abs  | bigint           | bigint              | func
 pg_catalog | abs  | double precision | double precision    | func
 pg_catalog | abs  | integer          | integer             | func
 pg_catalog | abs  | numeric          | numeric             | func
 pg_catalog | abs  | real             | real                | func
 pg_catalog | abs  | smallint         | smallint            | func
(6 rows)

"#,
    ),
    (
        r"\l",
        r#"                                             List of databases
   Name    |  Owner   | Encoding | Collate |  Ctype  | ICU Locale | Locale Provider |   Access privileges   
-----------+----------+----------+---------+---------+------------+-----------------+-----------------------
 app       | postgres | UTF8     | C.UTF-8 | C.UTF-8 |            | libc            | 
 postgres  | postgres | UTF8     | C.UTF-8 | C.UTF-8 |            | libc            | 
 template0 | postgres | UTF8     | C.UTF-8 | C.UTF-8 |            | libc            | =c/postgres          +
           |          |          |         |         |            |                 | postgres=CTc/postgres
 template1 | postgres | UTF8     | C.UTF-8 | C.UTF-8 |            | libc            | =c/postgres          +
           |          |          |         |         |            |                 | postgres=CTc/postgres
(4 rows)

"#,
    ),
    (
        r"\dt",
        r#"          List of relations
 Schema |  Name   | Type  |  Owner   
--------+---------+-------+----------
 public | authors | table | postgres
 public | books   | table | postgres
(2 rows)

"#,
    ),
    (
        r"\d authors",
        r#"                                    Table "public.authors"
 Column |          Type          | Collation | Nullable |               Default               
--------+------------------------+-----------+----------+-------------------------------------
 id     | integer                |           | not null | nextval('authors_id_seq'::regclass)
 name   | text                   |           | not null | 'anon'::text
 born   | integer                |           |          | 
 email  | character varying(100) |           |          | 
Indexes:
    "authors_pkey" PRIMARY KEY, btree (id)
    "authors_email_key" UNIQUE CONSTRAINT, btree (email)
Check constraints:
    "authors_born_check" CHECK (born > 1000)
Referenced by:
    TABLE "books" CONSTRAINT "books_author_id_fkey" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE

"#,
    ),
    (
        r"\d books",
        r#"                        Table "public.books"
  Column   |          Type          | Collation | Nullable | Default 
-----------+------------------------+-----------+----------+---------
 id        | integer                |           | not null | 
 author_id | integer                |           |          | 
 title     | character varying(200) |           | not null | 
 price     | numeric(8,2)           |           |          | 
 tags      | text[]                 |           |          | 
Indexes:
    "books_pkey" PRIMARY KEY, btree (id)
    "books_title" btree (title)
Foreign-key constraints:
    "books_author_id_fkey" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE

"#,
    ),
    (
        r"\d+ books",
        r#"                                                   Table "public.books"
  Column   |          Type          | Collation | Nullable | Default | Storage  | Compression | Stats target | Description 
-----------+------------------------+-----------+----------+---------+----------+-------------+--------------+-------------
 id        | integer                |           | not null |         | plain    |             |              | 
 author_id | integer                |           |          |         | plain    |             |              | 
 title     | character varying(200) |           | not null |         | extended |             |              | 
 price     | numeric(8,2)           |           |          |         | main     |             |              | 
 tags      | text[]                 |           |          |         | extended |             |              | 
Indexes:
    "books_pkey" PRIMARY KEY, btree (id)
    "books_title" btree (title)
Foreign-key constraints:
    "books_author_id_fkey" FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE
Access method: heap

"#,
    ),
    (
        r"\di",
        r#"                    List of relations
 Schema |       Name        | Type  |  Owner   |  Table  
--------+-------------------+-------+----------+---------
 public | authors_email_key | index | postgres | authors
 public | authors_pkey      | index | postgres | authors
 public | books_pkey        | index | postgres | books
 public | books_title       | index | postgres | books
(4 rows)

"#,
    ),
    (
        r"\dv",
        r#"            List of relations
 Schema |     Name     | Type |  Owner   
--------+--------------+------+----------
 public | author_names | view | postgres
(1 row)

"#,
    ),
    (
        r"\ds",
        r#"               List of relations
 Schema |      Name      |   Type   |  Owner   
--------+----------------+----------+----------
 public | authors_id_seq | sequence | postgres
 public | ticket_seq     | sequence | postgres
(2 rows)

"#,
    ),
    (
        r"\dn",
        r#"      List of schemas
  Name  |       Owner       
--------+-------------------
 public | pg_database_owner
(1 row)

"#,
    ),
    (
        r"\du",
        r#"                                   List of roles
 Role name |                         Attributes                         | Member of 
-----------+------------------------------------------------------------+-----------
 postgres  | Superuser, Create role, Create DB, Replication, Bypass RLS | {}

"#,
    ),
    (
        r"\d author_names",
        r#"            View "public.author_names"
 Column |  Type   | Collation | Nullable | Default 
--------+---------+-----------+----------+---------
 id     | integer |           |          | 
 name   | text    |           |          | 

"#,
    ),
    (
        r"\d books_title",
        r#"             Index "public.books_title"
 Column |          Type          | Key? | Definition 
--------+------------------------+------+------------
 title  | character varying(200) | yes  | title
btree, for table "public.books"

"#,
    ),
    (
        r"\d ticket_seq",
        r#"                         Sequence "public.ticket_seq"
  Type  | Start | Minimum |       Maximum       | Increment | Cycles? | Cache 
--------+-------+---------+---------------------+-----------+---------+-------
 bigint |     1 |       1 | 9223372036854775807 |         1 | no      |     1

"#,
    ),
];

#[test]
fn psql_describe_matches_postgres() {
    let Some(psql) = psql() else { return };
    let server = TestServer::start();
    for stmt in SCHEMA {
        let (_, err, ok) = run_psql(&psql, server.port, &["-c", stmt]);
        assert!(ok, "{stmt}: {err}");
    }
    let mut failures = Vec::new();
    for (command, expected) in CASES {
        let (out, err, ok) = run_psql(&psql, server.port, &["-c", command]);
        if !ok || out != *expected {
            failures.push(format!(
                "{command}\n--- expected\n{expected}--- got\n{out}{err}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
