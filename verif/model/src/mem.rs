//! Word-addressed TCDM memory model.

/// Default TCDM size of the reference data: 512 KiB.
pub const DEFAULT_TCDM_BYTES: usize = 512 * 1024;

/// A word-addressed memory. Accesses outside it do not panic: reads return
/// the fill value, writes are dropped, and the first such access is recorded
/// in [`Tcdm::fault`] so that callers can report it as an error.
#[derive(Clone, Debug)]
pub struct Tcdm {
    words: Vec<u32>,
    fill: u32,
    /// Word address of the first out-of-range access, if any.
    pub fault: Option<u32>,
    /// Reads and writes made through [`Tcdm::read`] / [`Tcdm::write`]
    /// (access statistics; not part of the memory's value).
    pub accesses: [u64; 2],
}

/// Two memories are equal when their contents, fill value and recorded
/// fault are (the access counters are statistics).
impl PartialEq for Tcdm {
    fn eq(&self, o: &Self) -> bool {
        self.words == o.words && self.fill == o.fill && self.fault == o.fault
    }
}
impl Eq for Tcdm {}

impl Tcdm {
    /// A memory of `bytes` bytes (a multiple of 4) filled with `fill`.
    pub fn new(bytes: usize, fill: u32) -> Self {
        Self {
            words: vec![fill; bytes / 4],
            fill,
            fault: None,
            accesses: [0; 2],
        }
    }

    /// Size in bytes.
    pub fn bytes(&self) -> usize {
        self.words.len() * 4
    }

    /// Size in words.
    pub fn len_words(&self) -> usize {
        self.words.len()
    }

    /// The fill value of untouched words.
    pub fn fill(&self) -> u32 {
        self.fill
    }

    /// Read word `addr`.
    #[inline]
    pub fn read(&mut self, addr: u32) -> u32 {
        self.accesses[0] += 1;
        match self.words.get(addr as usize) {
            Some(&w) => w,
            None => {
                self.fault.get_or_insert(addr);
                self.fill
            }
        }
    }

    /// Read word `addr` without recording faults (for inspection).
    pub fn peek(&self, addr: u32) -> Option<u32> {
        self.words.get(addr as usize).copied()
    }

    /// Write word `addr`.
    #[inline]
    pub fn write(&mut self, addr: u32, value: u32) {
        self.accesses[1] += 1;
        match self.words.get_mut(addr as usize) {
            Some(w) => *w = value,
            None => {
                self.fault.get_or_insert(addr);
            }
        }
    }

    /// All words.
    pub fn words(&self) -> &[u32] {
        &self.words
    }

    /// All words, for bulk updates (DMA).
    pub fn words_mut(&mut self) -> &mut [u32] {
        &mut self.words
    }

    /// Words that differ from the fill value, as (byte address, value),
    /// sorted by address.
    pub fn non_fill(&self) -> Vec<(u32, u32)> {
        self.words
            .iter()
            .enumerate()
            .filter(|(_, &w)| w != self.fill)
            .map(|(i, &w)| (4 * i as u32, w))
            .collect()
    }
}
