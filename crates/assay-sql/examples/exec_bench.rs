//! Rough executor throughput: nanoseconds per input row through common plan
//! shapes, over [`MemoryTables`] and over the real storage ([`StoreAccess`]
//! on a pager in memory).
//!
//! `cargo run --release -p assay-sql --example exec_bench`

use std::sync::Arc;
use std::time::Instant;

use assay_sql::catalog::{Catalog, Column, PUBLIC_OID};
use assay_sql::exec::{
    collect, ColumnMeta, ExecContext, MemoryTables, NoConstraintExprs, StoreAccess, TableAccess,
    TableMeta,
};
use assay_sql::functions::{lookup, Prng, Resolved};
use assay_sql::plan::{
    Access, AggCall, CmpOp, Field, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr, Schema,
    SortKey, TableRef,
};
use assay_sql::table::TableStore;
use assay_sql::types::{BinaryOp, DataType, Settings, Value};
use assay_storage::vfs::MemoryVfs;
use assay_storage::{Pager, PagerOptions, TxnMode};

const N: i64 = 1_000_000;

fn col(i: usize) -> ScalarExpr {
    ScalarExpr::Column(i)
}

fn int(v: i64) -> ScalarExpr {
    ScalarExpr::Const {
        value: Value::Int8(v),
        data_type: DataType::Int8,
    }
}

fn plan(node: PlanNode, width: usize) -> Plan {
    let fields = (0..width)
        .map(|i| Field::new(format!("c{i}"), DataType::Int8))
        .collect();
    Plan::new(node, Schema::new(fields))
}

fn lt(e: ScalarExpr, v: i64) -> ScalarExpr {
    ScalarExpr::Compare {
        op: CmpOp::Lt,
        left: Box::new(e),
        right: Box::new(int(v)),
    }
}

fn time(name: &str, tables: &mut dyn TableAccess, p: &Plan) {
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(tables, &settings, &[], &clock, &mut rng);
    ctx.work_mem = 64 << 20;
    let start = Instant::now();
    let rows = collect(p, &mut ctx).expect("runs");
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name:<28} {:>8} rows out {:>8.1} ms {:>7.1} ns/input row",
        rows.len(),
        secs * 1e3,
        secs * 1e9 / N as f64
    );
}

fn agg(func: &Arc<Resolved>, args: Vec<ScalarExpr>) -> AggCall {
    AggCall {
        func: func.clone(),
        args,
        distinct: false,
        filter: None,
        order_by: vec![],
        data_type: DataType::Int8,
    }
}

fn run_all(tables: &mut dyn TableAccess, oid: u32) {
    let table = TableRef {
        oid,
        name: "t".into(),
    };
    let scan = || {
        let node = PlanNode::Scan {
            table: table.clone(),
            access: Access::Full,
            filter: None,
            projection: None,
            columns: None,
        };
        plan(node, 2)
    };
    let rows: Vec<Vec<ScalarExpr>> = (0..N)
        .map(|k| vec![int(k), int((k * 7919) % 1000)])
        .collect();
    let values = plan(PlanNode::Values { rows }, 2);
    let insert = PlanNode::Insert {
        table: table.clone(),
        input: Box::new(values),
        on_conflict: None,
        returning: vec![],
    };
    time("insert (values)", tables, &plan(insert, 0));
    time("scan", tables, &scan());
    let filter = PlanNode::Filter {
        input: Box::new(scan()),
        predicate: lt(col(1), 10),
    };
    time("scan+filter", tables, &plan(filter, 2));
    let count = Arc::new(lookup("count", &[]).expect("count"));
    let sum = Arc::new(lookup("sum", &[DataType::Int8]).expect("sum"));
    let group_key = ScalarExpr::Binary {
        op: BinaryOp::Mod,
        left: Box::new(col(0)),
        right: Box::new(int(100)),
        data_type: DataType::Int8,
    };
    let group = PlanNode::Aggregate {
        input: Box::new(scan()),
        group_by: vec![group_key],
        grouping_sets: None,
        aggregates: vec![agg(&count, vec![]), agg(&count, vec![col(1)])],
        sorted: false,
    };
    time("hash aggregate (count)", tables, &plan(group, 3));
    let total = PlanNode::Aggregate {
        input: Box::new(scan()),
        group_by: vec![],
        grouping_sets: None,
        aggregates: vec![agg(&sum, vec![col(1)])],
        sorted: false,
    };
    time("sum(int8) (numeric)", tables, &plan(total, 1));
    let key = SortKey {
        expr: col(1),
        descending: false,
        nulls_first: false,
    };
    let sort = PlanNode::Sort {
        input: Box::new(scan()),
        keys: vec![key],
        limit: None,
    };
    time("sort", tables, &plan(sort, 2));
    let small = plan(
        PlanNode::Filter {
            input: Box::new(scan()),
            predicate: lt(col(0), 1000),
        },
        2,
    );
    let join = PlanNode::Join {
        left: Box::new(scan()),
        right: Box::new(small),
        kind: JoinKind::Inner,
        condition: None,
        algorithm: JoinAlgorithm::Hash {
            left_keys: vec![col(1)],
            right_keys: vec![col(0)],
        },
        lateral: false,
    };
    time("hash join (1000 build)", tables, &plan(join, 4));
}

fn main() {
    println!("-- MemoryTables");
    let mut tables = MemoryTables::new();
    let column = |name: &str| ColumnMeta {
        name: name.into(),
        data_type: DataType::Int8,
        not_null: false,
        default: None,
    };
    tables.create_table(
        TableMeta {
            oid: 1,
            name: "t".into(),
            columns: vec![column("a"), column("b")],
            checks: vec![],
            foreign_keys: vec![],
            referenced_by: vec![],
        },
        None,
    );
    run_all(&mut tables, 1);

    println!("-- StoreAccess (pager over MemoryVfs)");
    let vfs = MemoryVfs::new();
    let pager = Pager::open(&vfs, "db", PagerOptions::default()).expect("pager");
    let mut txn = pager.begin(TxnMode::Immediate).expect("txn");
    let mut catalog = Catalog::bootstrap();
    let columns = vec![
        Column::new("a", DataType::Int8),
        Column::new("b", DataType::Int8),
    ];
    let t = catalog
        .create_table(&mut txn, PUBLIC_OID, "t", columns, false)
        .expect("table");
    let mut store = TableStore::new();
    let mut binder = NoConstraintExprs;
    let mut access = StoreAccess::new(&mut txn, &catalog, &mut store, &mut binder);
    run_all(&mut access, t.oid);
}
