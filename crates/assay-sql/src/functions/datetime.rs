//! stub
use super::registry::Builder;
pub(crate) fn register(_b: &mut Builder) {}
