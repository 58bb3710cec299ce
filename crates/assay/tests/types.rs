//! Parameters of every supported type go in and come back equal; NULLs,
//! narrowing and mismatches fail clearly; columns describe themselves.

use assay::{params, Connection, Database, Interval, Numeric, ToValue, Uuid, Value};
use jiff::civil::{date, time, Date, DateTime, Time};
use jiff::Timestamp;

const SCHEMA: &str = "CREATE TABLE every (
    id int PRIMARY KEY,
    s smallint, i integer, b bigint, r real, d double precision, flag boolean,
    t text, v varchar(20), bin bytea, day date, at timestamp, ts timestamptz,
    tm time, doc jsonb, uid uuid, n numeric(10,2), iv interval
)";

fn conn() -> Connection {
    let conn = Database::open_in_memory().unwrap().connect();
    conn.execute_batch(SCHEMA).unwrap();
    conn
}

const INSERT: &str = "INSERT INTO every VALUES \
    ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";

#[test]
fn every_type_round_trips() {
    let conn = conn();
    let day = date(2024, 2, 29);
    let at: DateTime = date(1999, 12, 31).at(23, 59, 58, 123_456_000);
    let ts: Timestamp = "2024-03-10T12:34:56.789012Z".parse().unwrap();
    let tm: Time = time(7, 8, 9, 10_000);
    let doc = serde_json::json!({"a": [1, 2.5, "x"], "b": null, "c": {"d": true}});
    let uid = Uuid(*b"0123456789abcdef");
    let n = Numeric::parse("12345.67").unwrap();
    let iv = Interval::new(14, 3, 4_000_005);
    let bytes: &[u8] = &[0, 1, 2, 255];
    let affected = conn
        .execute(
            INSERT,
            params![
                1,
                i16::MIN,
                i32::MAX,
                i64::MIN,
                1.5f32,
                -2.25e300f64,
                true,
                "héllo",
                String::from("varchar"),
                bytes,
                day,
                at,
                ts,
                tm,
                doc,
                uid,
                n,
                iv
            ],
        )
        .unwrap();
    assert_eq!(affected, 1);

    let row = conn
        .query_one("SELECT * FROM every WHERE id = $1", params![1])
        .unwrap();
    assert_eq!(row.get::<i16>("s").unwrap(), i16::MIN);
    assert_eq!(row.get::<i32>("i").unwrap(), i32::MAX);
    assert_eq!(row.get::<i64>("b").unwrap(), i64::MIN);
    assert_eq!(row.get::<f32>("r").unwrap(), 1.5);
    assert_eq!(row.get::<f64>("d").unwrap(), -2.25e300);
    assert!(row.get::<bool>("flag").unwrap());
    assert_eq!(row.get::<String>("t").unwrap(), "héllo");
    assert_eq!(row.get::<String>("v").unwrap(), "varchar");
    assert_eq!(row.get::<Vec<u8>>("bin").unwrap(), bytes);
    assert_eq!(row.get::<Date>("day").unwrap(), day);
    assert_eq!(row.get::<DateTime>("at").unwrap(), at);
    assert_eq!(row.get::<Timestamp>("ts").unwrap(), ts);
    assert_eq!(row.get::<Time>("tm").unwrap(), tm);
    assert_eq!(row.get::<serde_json::Value>("doc").unwrap(), doc);
    assert_eq!(row.get::<Uuid>("uid").unwrap(), uid);
    assert_eq!(row.get::<Numeric>("n").unwrap(), n);
    assert_eq!(row.get::<String>("n").unwrap(), "12345.67");
    assert_eq!(row.get::<Interval>("iv").unwrap(), iv);

    // Values go back in as they came out.
    let values: Vec<Value> = row.values().to_vec();
    let mut again = values.clone();
    again[0] = Value::Int4(2);
    let params: Vec<&dyn ToValue> = again.iter().map(|v| v as &dyn ToValue).collect();
    conn.execute(INSERT, &params).unwrap();
    let copy = conn
        .query_one("SELECT * FROM every WHERE id = 2", &[])
        .unwrap();
    assert_eq!(&copy.values()[1..], &values[1..]);
}

#[test]
fn owned_and_borrowed_forms_bind_alike() {
    let conn = conn();
    let text = String::from("owned");
    let bytes = vec![9u8, 8, 7];
    conn.execute(
        "INSERT INTO every (id, t, bin) VALUES ($1, $2, $3)",
        params![3i64, &text, bytes.clone()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO every (id, t, bin) VALUES ($1, $2, $3)",
        params![4i16, text.as_str(), [9u8, 8, 7]],
    )
    .unwrap();
    let rows = conn
        .query("SELECT t, bin FROM every ORDER BY id", &[])
        .unwrap()
        .map_rows(|r| Ok((r.get::<String>(0)?, r.get::<Vec<u8>>(1)?)))
        .unwrap();
    assert_eq!(rows[0], rows[1]);
    assert_eq!(rows[0], (text, bytes));
}

#[test]
fn strings_take_the_type_their_place_asks_for() {
    let conn = conn();
    conn.execute(
        "INSERT INTO every (id, day, n, uid) VALUES ($1, $2, $3, $4)",
        params![
            5,
            "2024-01-02",
            "3.14159",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
        ],
    )
    .unwrap();
    let row = conn
        .query_one("SELECT day, n, uid FROM every WHERE id = 5", &[])
        .unwrap();
    assert_eq!(row.get::<Date>(0).unwrap(), date(2024, 1, 2));
    assert_eq!(row.get::<String>(1).unwrap(), "3.14");
    assert_eq!(
        row.get::<String>(2).unwrap(),
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    );
    // The column's length limit holds for parameters too.
    let e = conn
        .execute(
            "INSERT INTO every (id, v) VALUES ($1, $2)",
            params![6, "x".repeat(21)],
        )
        .unwrap_err();
    assert_eq!(e.code().as_str(), "22001");
    let e = conn
        .execute(
            "INSERT INTO every (id, day) VALUES ($1, $2)",
            params![6, "soon"],
        )
        .unwrap_err();
    assert_eq!(e.code().as_str(), "22007");
}

#[test]
fn nulls_read_as_none_and_fail_as_plain_types() {
    let conn = conn();
    conn.execute(
        "INSERT INTO every (id, i, t, doc) VALUES ($1, $2, $3, $4)",
        params![6, None::<i32>, Some("x"), None::<serde_json::Value>],
    )
    .unwrap();
    let row = conn
        .query_one("SELECT i, t, doc, day FROM every WHERE id = 6", &[])
        .unwrap();
    assert_eq!(row.get::<Option<i32>>("i").unwrap(), None);
    assert_eq!(row.get::<Option<String>>("t").unwrap(), Some("x".into()));
    assert_eq!(row.get::<Option<serde_json::Value>>(2).unwrap(), None);
    assert_eq!(row.get::<Option<Date>>(3).unwrap(), None);
    assert_eq!(row.value("i").unwrap(), &Value::Null);
    let e = row.get::<i32>("i").unwrap_err();
    assert_eq!(e.code().as_str(), "22004");
    assert_eq!(e.message(), "column \"i\": NULL cannot be read as i32");
}

#[test]
fn integers_widen_and_narrow_with_checks() {
    let conn = Database::open_in_memory().unwrap().connect();
    let row = conn
        .query_one(
            "SELECT 7::smallint AS small, 70000 AS big, 5000000000 AS huge, 2.50::numeric AS frac",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<i64>("small").unwrap(), 7);
    assert_eq!(row.get::<i32>("small").unwrap(), 7);
    assert_eq!(row.get::<f64>("big").unwrap(), 70000.0);
    let e = row.get::<i16>("big").unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        (
            "22003",
            "column \"big\": value 70000 is out of range for i16"
        )
    );
    assert_eq!(row.get::<i32>("huge").unwrap_err().code().as_str(), "22003");
    assert_eq!(row.get::<i64>("huge").unwrap(), 5_000_000_000);
    assert_eq!(row.get::<f64>("frac").unwrap(), 2.5);
    assert_eq!(row.get::<i64>("frac").unwrap_err().code().as_str(), "42804");
    let e = row.get::<bool>("small").unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        (
            "42804",
            "column \"small\": smallint value cannot be read as bool"
        )
    );
}

#[test]
fn infinite_dates_do_not_fit_jiff() {
    let conn = Database::open_in_memory().unwrap().connect();
    let row = conn
        .query_one("SELECT 'infinity'::date, '-infinity'::timestamptz", &[])
        .unwrap();
    assert_eq!(row.get::<Date>(0).unwrap_err().code().as_str(), "22008");
    assert_eq!(
        row.get::<Timestamp>(1).unwrap_err().code().as_str(),
        "22008"
    );
}

#[test]
fn columns_have_names_and_types() {
    let conn = conn();
    let rows = conn
        .query("SELECT id, v, ts, n AS amount FROM every", &[])
        .unwrap();
    let columns: Vec<(String, String)> = rows
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), c.type_name()))
        .collect();
    assert_eq!(
        columns,
        vec![
            ("id".into(), "integer".into()),
            ("v".into(), "character varying(20)".into()),
            ("ts".into(), "timestamp with time zone".into()),
            ("amount".into(), "numeric(10,2)".into()),
        ]
    );
    assert_eq!(rows.columns()[0].data_type().oid(), 23);
}

#[test]
fn unknown_columns_are_42703() {
    let conn = Database::open_in_memory().unwrap().connect();
    let row = conn.query_one("SELECT 1 AS one", &[]).unwrap();
    assert_eq!(row.get::<i32>("One").unwrap(), 1);
    assert_eq!(row.get::<i32>("two").unwrap_err().code().as_str(), "42703");
    let e = row.get::<i32>(3).unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        (
            "42703",
            "column index 3 is out of range (the row has 1 columns)"
        )
    );
}

#[test]
fn text_and_bytea_read_borrowed_from_the_row() {
    let conn = conn();
    let row = conn
        .query_one(
            "SELECT 'héllo'::text, '\\x0102ff'::bytea, NULL::text, 5, '{\"a\": 1}'::json",
            &[],
        )
        .unwrap();
    let text: &str = row.get(0).unwrap();
    assert_eq!(text, "héllo");
    let bytes: &[u8] = row.get(1).unwrap();
    assert_eq!(bytes, [1, 2, 255]);
    assert_eq!(row.get::<Option<&str>>(2).unwrap(), None);
    assert_eq!(row.get::<&str>(4).unwrap(), "{\"a\": 1}");
    let e = row.get::<&str>(3).unwrap_err();
    assert_eq!(e.code().as_str(), "42804", "{e}");
    let e = row.get::<&str>(2).unwrap_err();
    assert_eq!(e.code().as_str(), "22004", "{e}");
}
