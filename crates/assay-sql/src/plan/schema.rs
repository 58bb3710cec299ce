//! Output columns of a plan node.

use crate::types::DataType;

/// One output column: its name (as a result set would label it), its type,
/// and the range variable it came from (for `t.col` resolution and `t.*`).
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub data_type: DataType,
    /// The table alias or name the column belongs to, if any.
    pub relation: Option<String>,
    /// Whether NULL can appear (false lets the optimizer drop IS NULL tests).
    pub nullable: bool,
}

impl Field {
    pub fn new(name: impl Into<String>, data_type: DataType) -> Field {
        Field {
            name: name.into(),
            data_type,
            relation: None,
            nullable: true,
        }
    }
}

/// The columns a plan node yields, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    pub fields: Vec<Field>,
}

impl Schema {
    pub fn new(fields: Vec<Field>) -> Schema {
        Schema { fields }
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The schema of `self` followed by `other` (a join's output).
    pub fn concat(&self, other: &Schema) -> Schema {
        let mut fields = self.fields.clone();
        fields.extend(other.fields.iter().cloned());
        Schema { fields }
    }
}
