//! Advice lines: handlers on duty hour by hour when staff are short.
