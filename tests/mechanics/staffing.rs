//! Staffing and costs: demand for staff from the demand that arrived, per-role gaps, capacity costs.
