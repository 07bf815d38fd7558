//! Leading-zero count of a 32-bit word as a balanced decision tree:
//! five levels of comparisons with constants (`x < 2^m` is a NOR of the bits
//! from m up), all evaluated in parallel, selected by a 5-level mux tree.
//! (A loop over the bits would give a 32-deep priority chain.)
//! The code below is generated (binary search over the position of the
//! leading one); `lz` of zero is 31.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct Lzc32 {
    pub x: Signal<In, Bits<32>>,
    pub lz: Signal<Out, Bits<5>>,
}

impl Logic for Lzc32 {
    #[hdl_gen]
    fn update(&mut self) {
        if self.x.val() < 0x10000_u64 {
            if self.x.val() < 0x100_u64 {
                if self.x.val() < 0x10_u64 {
                    if self.x.val() < 0x4_u64 {
                        if self.x.val() < 0x2_u64 {
                            self.lz.next = bits::<5>(31);
                        } else {
                            self.lz.next = bits::<5>(30);
                        }
                    } else {
                        if self.x.val() < 0x8_u64 {
                            self.lz.next = bits::<5>(29);
                        } else {
                            self.lz.next = bits::<5>(28);
                        }
                    }
                } else {
                    if self.x.val() < 0x40_u64 {
                        if self.x.val() < 0x20_u64 {
                            self.lz.next = bits::<5>(27);
                        } else {
                            self.lz.next = bits::<5>(26);
                        }
                    } else {
                        if self.x.val() < 0x80_u64 {
                            self.lz.next = bits::<5>(25);
                        } else {
                            self.lz.next = bits::<5>(24);
                        }
                    }
                }
            } else {
                if self.x.val() < 0x1000_u64 {
                    if self.x.val() < 0x400_u64 {
                        if self.x.val() < 0x200_u64 {
                            self.lz.next = bits::<5>(23);
                        } else {
                            self.lz.next = bits::<5>(22);
                        }
                    } else {
                        if self.x.val() < 0x800_u64 {
                            self.lz.next = bits::<5>(21);
                        } else {
                            self.lz.next = bits::<5>(20);
                        }
                    }
                } else {
                    if self.x.val() < 0x4000_u64 {
                        if self.x.val() < 0x2000_u64 {
                            self.lz.next = bits::<5>(19);
                        } else {
                            self.lz.next = bits::<5>(18);
                        }
                    } else {
                        if self.x.val() < 0x8000_u64 {
                            self.lz.next = bits::<5>(17);
                        } else {
                            self.lz.next = bits::<5>(16);
                        }
                    }
                }
            }
        } else {
            if self.x.val() < 0x1000000_u64 {
                if self.x.val() < 0x100000_u64 {
                    if self.x.val() < 0x40000_u64 {
                        if self.x.val() < 0x20000_u64 {
                            self.lz.next = bits::<5>(15);
                        } else {
                            self.lz.next = bits::<5>(14);
                        }
                    } else {
                        if self.x.val() < 0x80000_u64 {
                            self.lz.next = bits::<5>(13);
                        } else {
                            self.lz.next = bits::<5>(12);
                        }
                    }
                } else {
                    if self.x.val() < 0x400000_u64 {
                        if self.x.val() < 0x200000_u64 {
                            self.lz.next = bits::<5>(11);
                        } else {
                            self.lz.next = bits::<5>(10);
                        }
                    } else {
                        if self.x.val() < 0x800000_u64 {
                            self.lz.next = bits::<5>(9);
                        } else {
                            self.lz.next = bits::<5>(8);
                        }
                    }
                }
            } else {
                if self.x.val() < 0x10000000_u64 {
                    if self.x.val() < 0x4000000_u64 {
                        if self.x.val() < 0x2000000_u64 {
                            self.lz.next = bits::<5>(7);
                        } else {
                            self.lz.next = bits::<5>(6);
                        }
                    } else {
                        if self.x.val() < 0x8000000_u64 {
                            self.lz.next = bits::<5>(5);
                        } else {
                            self.lz.next = bits::<5>(4);
                        }
                    }
                } else {
                    if self.x.val() < 0x40000000_u64 {
                        if self.x.val() < 0x20000000_u64 {
                            self.lz.next = bits::<5>(3);
                        } else {
                            self.lz.next = bits::<5>(2);
                        }
                    } else {
                        if self.x.val() < 0x80000000_u64 {
                            self.lz.next = bits::<5>(1);
                        } else {
                            self.lz.next = bits::<5>(0);
                        }
                    }
                }
            }
        }
    }
}
