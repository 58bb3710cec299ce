//! stub
use super::registry::Builder;
pub struct WindowRow<'a> {
    pub x: &'a (),
}
pub(crate) fn register(_b: &mut Builder) {}
