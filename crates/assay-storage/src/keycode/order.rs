//! The sort order of one key column: direction and where NULLs go.

/// How one column of a key sorts: ascending or descending, and whether
/// NULLs come before or after every value. The two are independent, as in
/// PostgreSQL's `ORDER BY x DESC NULLS LAST`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SortOrder {
    pub descending: bool,
    pub nulls_first: bool,
}

impl SortOrder {
    /// `ASC`, which is `ASC NULLS LAST` (PostgreSQL's default).
    pub const ASC: SortOrder = SortOrder::new(false, false);
    /// `ASC NULLS FIRST`.
    pub const ASC_NULLS_FIRST: SortOrder = SortOrder::new(false, true);
    /// `DESC`, which is `DESC NULLS FIRST` (PostgreSQL's default).
    pub const DESC: SortOrder = SortOrder::new(true, true);
    /// `DESC NULLS LAST`.
    pub const DESC_NULLS_LAST: SortOrder = SortOrder::new(true, false);

    pub const fn new(descending: bool, nulls_first: bool) -> SortOrder {
        SortOrder {
            descending,
            nulls_first,
        }
    }
}

impl Default for SortOrder {
    fn default() -> SortOrder {
        SortOrder::ASC
    }
}
