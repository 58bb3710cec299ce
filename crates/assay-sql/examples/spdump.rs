use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
fn main() {
    let sql = std::env::args().nth(1).unwrap();
    match Parser::parse_sql(&PostgreSqlDialect {}, &sql) {
        Ok(s) => {
            for st in s {
                println!("{st:?}\n---\n{st}");
            }
        }
        Err(e) => println!("ERR {e:?}"),
    }
}
