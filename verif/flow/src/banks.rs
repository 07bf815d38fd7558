//! One dispatch from a run-time bank count to the const generics of the
//! cluster and system tops (`B` banks of `2^N` words each).

/// Call `f::<B, N>(args..)` for a run-time bank count: `cluster` tops hold
/// 128 KiB of TCDM (`N` = 12, 11, 10, 9 for 8, 16, 32, 64 banks), `system`
/// tops 512 KiB (`N` = 14, 13, 12, 11). Any other count evaluates
/// `other` with the count bound to `b`.
///
/// `bank_dispatch!(cluster, banks, run::<_, _>(sim), b => Err(format!("{b}")))`
#[macro_export]
macro_rules! bank_dispatch {
    (cluster, $banks:expr, $f:ident::<_, _>($($a:expr),*), $b:ident => $other:expr) => {
        match $banks {
            8 => $f::<8, 12>($($a),*),
            16 => $f::<16, 11>($($a),*),
            32 => $f::<32, 10>($($a),*),
            64 => $f::<64, 9>($($a),*),
            $b => $other,
        }
    };
    (system, $banks:expr, $f:ident::<_, _>($($a:expr),*), $b:ident => $other:expr) => {
        match $banks {
            8 => $f::<8, 14>($($a),*),
            16 => $f::<16, 13>($($a),*),
            32 => $f::<32, 12>($($a),*),
            64 => $f::<64, 11>($($a),*),
            $b => $other,
        }
    };
}
