//! Functional twin of the cluster DMA (`ntx_hw::dma::Dma`): descriptor
//! validation with the same error codes, and the 2-D copy.

use ntx_params::dma::err;

/// A transfer as programmed through the DMA registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Descriptor {
    pub ext_addr: u32,
    pub tcdm_addr: u32,
    pub row_bytes: u32,
    pub rows: u32,
    pub ext_stride: u32,
    pub tcdm_stride: u32,
    /// TCDM -> external (else external -> TCDM).
    pub to_ext: bool,
}

/// Memory geometry the DMA checks against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmaLimits {
    pub tcdm_base: u32,
    pub tcdm_bytes: u32,
    pub ext_bytes: u32,
}

/// Error code of a malformed descriptor (checks in the order the hardware
/// reports them: size, alignment, then row by row: wrap of the external /
/// TCDM row start, external range, TCDM range).
pub fn validate(d: &Descriptor, lim: &DmaLimits) -> Result<(), u32> {
    if d.row_bytes == 0 || d.rows == 0 {
        return Err(err::ZERO_SIZE);
    }
    if !(d.ext_addr | d.tcdm_addr | d.row_bytes | d.ext_stride | d.tcdm_stride).is_multiple_of(4) {
        return Err(err::UNALIGNED);
    }
    let rb = d.row_bytes as u64;
    for k in 0..d.rows as u64 {
        let e = d.ext_addr as u64 + k * d.ext_stride as u64;
        let t = d.tcdm_addr as u64 + k * d.tcdm_stride as u64;
        if e >= 1 << 32 {
            return Err(err::EXT_RANGE);
        }
        if t >= 1 << 32 {
            return Err(err::TCDM_RANGE);
        }
        if e + rb > lim.ext_bytes as u64 {
            return Err(err::EXT_RANGE);
        }
        if t < lim.tcdm_base as u64 || t - lim.tcdm_base as u64 + rb > lim.tcdm_bytes as u64 {
            return Err(err::TCDM_RANGE);
        }
    }
    Ok(())
}

/// Execute a valid descriptor on word memories (`tcdm[0]` is the word at
/// `tcdm_base`, `ext[0]` the word at external address 0). Returns the words
/// moved.
pub fn execute(d: &Descriptor, lim: &DmaLimits, tcdm: &mut [u32], ext: &mut [u32]) -> u64 {
    let words = (d.row_bytes / 4) as u64;
    for r in 0..d.rows as u64 {
        for w in 0..words {
            let e = ((d.ext_addr as u64 + r * d.ext_stride as u64) / 4 + w) as usize;
            let t = ((d.tcdm_addr as u64 + r * d.tcdm_stride as u64 - lim.tcdm_base as u64) / 4 + w)
                as usize;
            if d.to_ext {
                ext[e] = tcdm[t];
            } else {
                tcdm[t] = ext[e];
            }
        }
    }
    words * d.rows as u64
}
