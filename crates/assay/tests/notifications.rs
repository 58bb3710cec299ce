//! LISTEN / NOTIFY between connections of one database, read through
//! `Connection::notifications`.

use assay::Database;

#[test]
fn a_listener_reads_committed_notifications() {
    let db = Database::open_in_memory().unwrap();
    let listener = db.connect();
    let sender = db.connect();
    listener.execute_batch("LISTEN jobs").unwrap();
    sender.begin().unwrap();
    sender
        .execute("SELECT pg_notify('jobs', $1)", &[&"42"])
        .unwrap();
    assert!(listener.notifications().unwrap().is_empty());
    sender.commit().unwrap();
    let got = listener.notifications().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].channel.as_str(), got[0].payload.as_str()),
        ("jobs", "42")
    );
    assert!(listener.notifications().unwrap().is_empty());
    sender.begin().unwrap();
    sender.execute("NOTIFY jobs, 'never'", &[]).unwrap();
    sender.rollback().unwrap();
    assert!(listener.notifications().unwrap().is_empty());
}
