//! ballot
