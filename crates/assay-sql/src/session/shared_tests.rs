//! Two sessions on one engine: notifications between them and advisory
//! locks, waits and their limits.

use std::sync::Arc;

use super::*;

fn pair() -> (Session, Session) {
    let engine = Engine::open_memory().unwrap();
    (engine.session(), engine.session())
}

fn got(s: &Session) -> Vec<(i32, String, String)> {
    s.take_notifications()
        .into_iter()
        .map(|n| (n.pid, n.channel, n.payload))
        .collect()
}

fn note(pid: i32, channel: &str, payload: &str) -> (i32, String, String) {
    (pid, channel.to_string(), payload.to_string())
}

fn one_value(s: &mut Session, sql: &str) -> Value {
    let mut r = s.execute(sql).unwrap();
    r.pop().unwrap().rows.remove(0).remove(0)
}

#[test]
fn notifications_arrive_at_commit_and_not_after_rollback() {
    let (mut a, mut b) = pair();
    b.set_pid(4242);
    a.execute("LISTEN x").unwrap();
    b.execute("BEGIN; NOTIFY x, '1'").unwrap();
    assert!(got(&a).is_empty());
    b.execute("COMMIT").unwrap();
    assert_eq!(got(&a), vec![note(4242, "x", "1")]);
    b.execute("BEGIN; NOTIFY x, 'gone'; ROLLBACK").unwrap();
    assert!(got(&a).is_empty());
    // Duplicates fold; pg_notify queues like NOTIFY; order is kept.
    b.execute("BEGIN; NOTIFY x, 'd'; NOTIFY y, 'other'; NOTIFY x, 'd'")
        .unwrap();
    b.execute("SELECT pg_notify('x', 'e'); NOTIFY x; COMMIT")
        .unwrap();
    assert_eq!(
        got(&a),
        vec![
            note(4242, "x", "d"),
            note(4242, "x", "e"),
            note(4242, "x", "")
        ]
    );
    // A session hears its own notifications.
    let pid = a.backend().pid();
    a.execute("NOTIFY x, 'self'").unwrap();
    assert_eq!(got(&a), vec![note(pid, "x", "self")]);
    // A savepoint rolled back takes its notifications with it.
    b.execute("BEGIN; NOTIFY x, 'kept'; SAVEPOINT s; NOTIFY x, 'undone'")
        .unwrap();
    b.execute("ROLLBACK TO s; COMMIT").unwrap();
    assert_eq!(got(&a), vec![note(4242, "x", "kept")]);
}

#[test]
fn listen_takes_effect_at_commit() {
    let (mut a, mut b) = pair();
    a.execute("BEGIN; LISTEN x").unwrap();
    let r = a.execute("SELECT count(*) FROM pg_listening_channels()");
    assert_eq!(r.unwrap()[0].rows[0][0], Value::Int8(0));
    b.execute("NOTIFY x, 'early'").unwrap();
    a.execute("COMMIT").unwrap();
    assert!(got(&a).is_empty());
    b.execute("NOTIFY x, 'late'").unwrap();
    assert_eq!(got(&a).len(), 1);
    a.execute("BEGIN; UNLISTEN *; ROLLBACK").unwrap();
    assert_eq!(
        one_value(&mut a, "SELECT pg_listening_channels()"),
        Value::text("x")
    );
    a.execute("UNLISTEN x").unwrap();
    b.execute("NOTIFY x, 'unheard'").unwrap();
    assert!(got(&a).is_empty());
}

#[test]
fn the_waker_is_called_when_notifications_arrive() {
    let (mut a, mut b) = pair();
    let (tx, rx) = std::sync::mpsc::channel();
    a.set_notification_waker(Arc::new(move || {
        let _ = tx.send(());
    }));
    a.execute("LISTEN x").unwrap();
    b.execute("NOTIFY y").unwrap();
    assert!(rx.try_recv().is_err());
    b.execute("NOTIFY x").unwrap();
    assert!(rx.try_recv().is_ok());
}

/// Runs `sql` on `s` in another thread; the result comes back with it.
fn in_thread(
    mut s: Session,
    sql: &'static str,
) -> std::thread::JoinHandle<(Session, assay_storage::Result<Vec<StatementResult>>)> {
    std::thread::spawn(move || {
        let r = s.execute(sql);
        (s, r)
    })
}

/// Waits until some session waits for an advisory lock (seen in pg_locks).
fn until_waiting(s: &mut Session) {
    while one_value(s, "SELECT count(*) FROM pg_locks WHERE NOT granted") == Value::Int8(0) {
        std::thread::yield_now();
    }
}

#[test]
fn an_advisory_lock_blocks_others_until_released() {
    let (mut a, b) = pair();
    a.execute("SELECT pg_advisory_lock(1)").unwrap();
    let waiter = in_thread(b, "SELECT pg_advisory_lock(1), pg_try_advisory_lock(2)");
    until_waiting(&mut a);
    let row = a
        .execute("SELECT mode, granted, waitstart IS NOT NULL FROM pg_locks WHERE NOT granted")
        .unwrap()
        .remove(0)
        .rows
        .remove(0);
    assert_eq!(
        row,
        vec![
            Value::text("ExclusiveLock"),
            Value::Bool(false),
            Value::Bool(true)
        ]
    );
    assert_eq!(
        one_value(&mut a, "SELECT pg_advisory_unlock(1)"),
        Value::Bool(true)
    );
    let (mut b, r) = waiter.join().unwrap();
    assert_eq!(r.unwrap()[0].rows[0][1], Value::Bool(true));
    // Now b holds both: a's try fails, shared or not.
    assert_eq!(
        one_value(&mut a, "SELECT pg_try_advisory_lock(1)"),
        Value::Bool(false)
    );
    assert_eq!(
        one_value(&mut a, "SELECT pg_try_advisory_lock_shared(2)"),
        Value::Bool(false)
    );
    b.execute("SELECT pg_advisory_unlock_all()").unwrap();
    assert_eq!(
        one_value(&mut a, "SELECT pg_try_advisory_lock_shared(2)"),
        Value::Bool(true)
    );
}

#[test]
fn transaction_locks_end_with_the_transaction_and_session_locks_with_the_session() {
    let (mut a, mut b) = pair();
    a.execute("BEGIN; SELECT pg_advisory_xact_lock(7), pg_advisory_lock(8)")
        .unwrap();
    let r = "SELECT pg_try_advisory_lock(7), pg_try_advisory_lock(8)";
    let row = b.execute(r).unwrap().remove(0).rows.remove(0);
    assert_eq!(row, vec![Value::Bool(false), Value::Bool(false)]);
    a.execute("ROLLBACK").unwrap();
    let r = "SELECT pg_try_advisory_xact_lock(7), pg_try_advisory_xact_lock(8)";
    let row = b.execute(r).unwrap().remove(0).rows.remove(0);
    assert_eq!(row, vec![Value::Bool(true), Value::Bool(false)]);
    drop(a);
    assert_eq!(
        one_value(&mut b, "SELECT pg_try_advisory_xact_lock(8)"),
        Value::Bool(true)
    );
    assert_eq!(
        one_value(
            &mut b,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        ),
        Value::Int8(0)
    );
}

#[test]
fn lock_timeout_and_statement_timeout_end_a_wait() {
    let (mut a, mut b) = pair();
    a.execute("SELECT pg_advisory_lock(1, 2)").unwrap();
    b.execute("SET lock_timeout = '20ms'").unwrap();
    let e = b.execute("SELECT pg_advisory_lock(1, 2)").unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("55P03", "canceling statement due to lock timeout")
    );
    b.execute("SET lock_timeout = 0; SET statement_timeout = '20ms'")
        .unwrap();
    let e = b
        .execute("SELECT pg_advisory_lock_shared(1, 2)")
        .unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("57014", "canceling statement due to statement timeout")
    );
    assert_eq!(
        one_value(
            &mut a,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        ),
        Value::Int8(1)
    );
}

#[test]
fn a_cancel_wakes_a_waiter() {
    let (mut a, b) = pair();
    a.execute("SELECT pg_advisory_lock(3)").unwrap();
    let interrupt = b.interrupt_handle();
    let waiter = in_thread(b, "SELECT pg_advisory_xact_lock(3)");
    until_waiting(&mut a);
    interrupt.cancel();
    let (_, r) = waiter.join().unwrap();
    let e = r.unwrap_err();
    assert_eq!(e.message(), "canceling statement due to user request");
    assert_eq!(
        one_value(
            &mut a,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        ),
        Value::Int8(1)
    );
}

#[test]
fn a_cycle_of_waits_is_a_deadlock() {
    let (mut a, mut b) = pair();
    a.execute("SELECT pg_advisory_lock(1)").unwrap();
    b.execute("SELECT pg_advisory_lock(2)").unwrap();
    let waiter = in_thread(a, "SELECT pg_advisory_lock(2)");
    until_waiting(&mut b);
    let e = b.execute("SELECT pg_advisory_lock(1)").unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("40P01", "deadlock detected")
    );
    b.execute("SELECT pg_advisory_unlock(2)").unwrap();
    let (_, r) = waiter.join().unwrap();
    assert!(r.is_ok());
}

#[test]
fn lock_timeout_bounds_the_wait_for_the_write_lock() {
    let (mut a, mut b) = pair();
    a.execute("CREATE TABLE t (x int)").unwrap();
    a.execute("BEGIN; INSERT INTO t VALUES (1)").unwrap();
    b.execute("SET lock_timeout = '20ms'").unwrap();
    let e = b.execute("INSERT INTO t VALUES (2)").unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("55P03", "canceling statement due to lock timeout")
    );
    b.execute("SET lock_timeout = 0; SET statement_timeout = '20ms'")
        .unwrap();
    let e = b.execute("UPDATE t SET x = 3").unwrap_err();
    assert_eq!(e.message(), "canceling statement due to statement timeout");
    a.execute("COMMIT").unwrap();
    b.execute("INSERT INTO t VALUES (2)").unwrap();
}

#[test]
fn a_cancel_wakes_a_writer_waiting_for_the_write_lock() {
    let (mut a, b) = pair();
    a.execute("CREATE TABLE t (x int)").unwrap();
    a.execute("BEGIN; INSERT INTO t VALUES (1)").unwrap();
    let interrupt = b.interrupt_handle();
    let writer = in_thread(b, "INSERT INTO t VALUES (2)");
    // The writer may not have started waiting yet: cancel until it ends.
    while !writer.is_finished() {
        interrupt.cancel();
        std::thread::yield_now();
    }
    let (_, r) = writer.join().unwrap();
    assert_eq!(
        r.unwrap_err().message(),
        "canceling statement due to user request"
    );
}

#[test]
fn unlocking_what_is_not_held_warns_as_postgres_does() {
    let (mut a, _) = pair();
    let r = a
        .execute("SELECT pg_advisory_xact_lock(1), pg_advisory_unlock(1), pg_advisory_unlock_shared(2, 2)")
        .unwrap();
    let warnings: Vec<_> = r[0]
        .notices
        .iter()
        .map(|n| (n.severity, n.code.as_str().to_string(), n.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                "WARNING",
                "01000".to_string(),
                "you don't own a lock of type ExclusiveLock"
            ),
            (
                "WARNING",
                "01000".to_string(),
                "you don't own a lock of type ShareLock"
            ),
        ]
    );
}

#[test]
fn notify_refuses_bad_channels_and_payloads() {
    let (mut a, _) = pair();
    for (sql, message) in [
        ("SELECT pg_notify('', 'x')", "channel name cannot be empty"),
        (
            "SELECT pg_notify(NULL, 'x')",
            "channel name cannot be empty",
        ),
        (
            "SELECT pg_notify('c', repeat('x', 8000))",
            "payload string too long",
        ),
        (
            "NOTIFY c, 'ok'; SELECT pg_notify(repeat('c', 64), '')",
            "channel name too long",
        ),
    ] {
        let e = a.execute(sql).unwrap_err();
        assert_eq!(
            (e.code().as_str(), e.message()),
            ("22023", message),
            "{sql}"
        );
    }
    a.execute("BEGIN; SELECT 1/0").unwrap_err();
    let e = a.execute("NOTIFY c").unwrap_err();
    assert_eq!(e.code().as_str(), "25P02");
    let e = a.execute("LISTEN c").unwrap_err();
    assert_eq!(e.code().as_str(), "25P02");
    a.execute("ROLLBACK").unwrap();
}
