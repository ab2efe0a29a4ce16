//! Reading a fetched web page, for the article parser and the listing reader alike: its bytes
//! decoded to text, then prepared for an HTML tree builder under one nesting limit.

mod charset;
mod nesting;

pub use charset::{decode, http_charset, Decoded};
pub use nesting::{cap_nesting, Menus, MAX_DEPTH};
