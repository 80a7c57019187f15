//! The library's test support (`besace_badges::testing`, feature `testing`).
pub use besace_badges::testing::*;
