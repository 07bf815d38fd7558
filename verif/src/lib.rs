//! verif
