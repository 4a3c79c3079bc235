//! PRIM scenario discovery (filled in below).
