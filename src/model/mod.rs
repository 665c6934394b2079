//! The app model without yew.
