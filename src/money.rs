//! Money (and other two-decimal amounts) on the wire. Amounts are stored as
//! integer hundredths (cents); parking, rental and family show them as JSON
//! numbers, whole when they are whole (`51`, `12.5`).

use serde_json::Value;

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
    }
}
