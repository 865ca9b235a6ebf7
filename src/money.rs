//! Money (and other two-decimal amounts) on the wire. Amounts are stored as
//! integer hundredths (cents); parking, rental and family show them as JSON
//! numbers, whole when they are whole (`51`, `12.5`).

use serde::{Serialize, Serializer};
use serde_json::Value;

/// An amount in hundredths that serializes as the seed's JSON number (whole
/// when whole). Document it with `#[schema(value_type = f64)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub i64);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            serializer.serialize_i64(self.0 / 100)
        } else {
            serializer.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

/// Hundredths as the seed's JSON number.
pub fn number(hundredths: i64) -> Value {
    if hundredths % 100 == 0 {
        Value::from(hundredths / 100)
    } else {
        Value::from(hundredths as f64 / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_amounts_are_integers() {
        assert_eq!(number(5100).to_string(), "51");
        assert_eq!(number(1250).to_string(), "12.5");
        assert_eq!(number(1234).to_string(), "12.34");
        assert_eq!(number(0).to_string(), "0");
        for cents in [5100, 1250, 1234, 0, -250] {
            let amount = serde_json::to_string(&Amount(cents)).unwrap();
            assert_eq!(amount, number(cents).to_string());
        }
    }
}
