//! stub
use super::registry::Builder;
use crate::types::Value;
use assay_storage::Result;
pub type RowIter = Box<dyn Iterator<Item = Result<Vec<Value>>>>;
pub(crate) fn register(_b: &mut Builder) {}
