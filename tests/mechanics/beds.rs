//! Beds: routing in the last days, enhanced-bed diversion, deaths fixed by the person.
