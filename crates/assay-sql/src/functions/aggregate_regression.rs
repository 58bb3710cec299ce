//! Two-variable statistics: `corr`, `covar_pop`, `covar_samp` and the
//! `regr_*` family, each over `(Y, X)` pairs of double precision.
//!
//! As in PostgreSQL, every one of them keeps the same running state
//! ([`Sums`]): the count and the sums of X and Y, and the sums of squared
//! and crossed deviations updated with the Youngs–Cramer recurrence, which
//! stays accurate where the naive `Σx² − (Σx)²/n` cancels. A pair with a
//! NULL on either side is skipped; only the final step differs between the
//! aggregates ([`Statistic`]).

use assay_storage::{bail, Result, SqlState};

use super::aggregate::Accumulator;
use super::args::float;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::Value;

/// What an accumulator reports from its [`Sums`].
#[derive(Clone, Copy)]
enum Statistic {
    Corr,
    CovarPop,
    CovarSamp,
    AvgX,
    AvgY,
    Count,
    Intercept,
    R2,
    Slope,
    Sxx,
    Sxy,
    Syy,
}

const STATISTICS: [(&str, Statistic); 12] = [
    ("corr", Statistic::Corr),
    ("covar_pop", Statistic::CovarPop),
    ("covar_samp", Statistic::CovarSamp),
    ("regr_avgx", Statistic::AvgX),
    ("regr_avgy", Statistic::AvgY),
    ("regr_count", Statistic::Count),
    ("regr_intercept", Statistic::Intercept),
    ("regr_r2", Statistic::R2),
    ("regr_slope", Statistic::Slope),
    ("regr_sxx", Statistic::Sxx),
    ("regr_sxy", Statistic::Sxy),
    ("regr_syy", Statistic::Syy),
];

pub(crate) fn register(b: &mut Builder) {
    for (name, _) in STATISTICS {
        let ret = if name == "regr_count" {
            T::Int8
        } else {
            T::Float8
        };
        b.aggregate(name, &[T::Float8, T::Float8], ret, |r, _| {
            Box::new(Regression {
                statistic: statistic_of(r),
                sums: Sums::default(),
            })
        });
    }
}

fn statistic_of(r: &Resolved) -> Statistic {
    STATISTICS
        .iter()
        .find(|(name, _)| *name == r.def.name)
        .map_or(Statistic::Corr, |&(_, s)| s)
}

/// The running state of every two-variable aggregate.
#[derive(Default)]
struct Sums {
    n: f64,
    sx: f64,
    sy: f64,
    /// Σ (x − x̄)², Σ (y − ȳ)², Σ (x − x̄)(y − ȳ).
    sxx: f64,
    syy: f64,
    sxy: f64,
}

impl Sums {
    fn add(&mut self, y: f64, x: f64) -> Result<()> {
        let (old_n, old_sx, old_sy) = (self.n, self.sx, self.sy);
        self.n += 1.0;
        self.sx += x;
        self.sy += y;
        if old_n == 0.0 {
            // One pair has no deviation; an infinite or NaN one poisons it.
            if !x.is_finite() {
                self.sxx = f64::NAN;
                self.sxy = f64::NAN;
            }
            if !y.is_finite() {
                self.syy = f64::NAN;
                self.sxy = f64::NAN;
            }
            return Ok(());
        }
        let dx = x * self.n - self.sx;
        let dy = y * self.n - self.sy;
        let scale = 1.0 / (self.n * old_n);
        self.sxx += dx * dx * scale;
        self.syy += dy * dy * scale;
        self.sxy += dx * dy * scale;
        // Finite inputs that reach infinity overflowed; an infinite input
        // leaves the deviations undefined (NaN), never infinite.
        let x_finite = !old_sx.is_infinite() && !x.is_infinite();
        let y_finite = !old_sy.is_infinite() && !y.is_infinite();
        if self.sx.is_infinite() || self.sxx.is_infinite() {
            overflow_unless(!x_finite)?;
            self.sxx = f64::NAN;
        }
        if self.sy.is_infinite() || self.syy.is_infinite() {
            overflow_unless(!y_finite)?;
            self.syy = f64::NAN;
        }
        if self.sxy.is_infinite() {
            overflow_unless(!(x_finite && y_finite))?;
            self.sxy = f64::NAN;
        }
        Ok(())
    }

    fn report(&self, statistic: Statistic) -> Value {
        let n = self.n;
        if n < 1.0 {
            return match statistic {
                Statistic::Count => Value::Int8(0),
                _ => Value::Null,
            };
        }
        let value = match statistic {
            Statistic::Count => return Value::Int8(n as i64),
            Statistic::AvgX => self.sx / n,
            Statistic::AvgY => self.sy / n,
            // Round-off may leave a sum of squares just below zero.
            Statistic::Sxx => self.sxx.max(0.0),
            Statistic::Syy => self.syy.max(0.0),
            Statistic::Sxy => self.sxy,
            Statistic::CovarPop => self.sxy / n,
            Statistic::CovarSamp if n < 2.0 => return Value::Null,
            Statistic::CovarSamp => self.sxy / (n - 1.0),
            Statistic::Corr if self.sxx == 0.0 || self.syy == 0.0 => return Value::Null,
            Statistic::Corr => self.sxy / (self.sxx * self.syy).sqrt(),
            Statistic::R2 if self.sxx == 0.0 => return Value::Null,
            Statistic::R2 if self.syy == 0.0 => 1.0,
            Statistic::R2 => (self.sxy * self.sxy) / (self.sxx * self.syy),
            Statistic::Slope if self.sxx == 0.0 => return Value::Null,
            Statistic::Slope => self.sxy / self.sxx,
            Statistic::Intercept if self.sxx == 0.0 => return Value::Null,
            Statistic::Intercept => (self.sy - self.sx * self.sxy / self.sxx) / n,
        };
        Value::Float8(value)
    }
}

/// PostgreSQL's overflow error, unless an infinite input explains the
/// infinite result.
fn overflow_unless(infinite_input: bool) -> Result<()> {
    if !infinite_input {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: overflow"
        );
    }
    Ok(())
}

struct Regression {
    statistic: Statistic,
    sums: Sums,
}

impl Accumulator for Regression {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args.iter().any(Value::is_null) {
            return Ok(());
        }
        self.sums.add(float(&args[0])?, float(&args[1])?)
    }

    fn finish(&self) -> Result<Value> {
        Ok(self.sums.report(self.statistic))
    }
}
