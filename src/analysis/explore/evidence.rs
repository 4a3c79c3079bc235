//! Evidence: what has been observed, as a likelihood of each draw (filled in below).
