//! Small synchronous FIFOs for the NTX datapath: shift-register storage
//! (the head is always entry 0, so the output needs no read multiplexer),
//! push and pop in the same cycle, synchronous `clear`. `dout` is the head
//! (valid when `valid`); `count` the occupancy. Pushing into a full FIFO
//! (without a pop) or popping an empty one is the user's error and is
//! ignored; it sets the sticky `err` output (a check that fires in
//! simulation: the harnesses assert it stays 0), which only the synchronous
//! `clear` resets.

use rust_hdl::prelude::*;

macro_rules! small_fifo {
    ($name:ident, $depth:literal, $dm1:literal, $cw:literal) => {
        #[derive(LogicBlock, Default)]
        pub struct $name<T: Synth> {
            pub clock: Signal<In, Clock>,
            pub clear: Signal<In, Bit>,
            pub push: Signal<In, Bit>,
            pub din: Signal<In, T>,
            pub pop: Signal<In, Bit>,
            pub dout: Signal<Out, T>,
            pub valid: Signal<Out, Bit>,
            pub count: Signal<Out, Bits<$cw>>,
            /// Sticky: pushed while full (without a pop) or popped while
            /// empty since the last `clear`.
            pub err: Signal<Out, Bit>,
            err_r: DFF<Bit>,
            e: [DFF<T>; $depth],
            v: [DFF<Bit>; $depth],
            /// Occupancy after this cycle's pop (before the push).
            vs: [Signal<Local, Bit>; $depth],
            popv: Signal<Local, Bit>,
            cnt: DFF<Bits<$cw>>,
        }

        impl<T: Synth> Logic for $name<T> {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, cnt, err_r);
                for i in 0..$depth {
                    self.e[i].clock.next = self.clock.val();
                    self.e[i].d.next = self.e[i].q.val();
                    self.v[i].clock.next = self.clock.val();
                    self.v[i].d.next = self.v[i].q.val();
                }
                self.popv.next = self.pop.val() & self.v[0].q.val();
                for i in 0..$dm1 {
                    self.vs[i].next = self.v[i].q.val();
                    if self.popv.val() {
                        self.vs[i].next = self.v[i + 1].q.val();
                        self.e[i].d.next = self.e[i + 1].q.val();
                        self.v[i].d.next = self.v[i + 1].q.val();
                    }
                }
                self.vs[$dm1].next = self.v[$dm1].q.val() & !self.popv.val();
                if self.popv.val() {
                    self.v[$dm1].d.next = false;
                }
                if self.push.val() {
                    if !self.vs[0].val() {
                        self.e[0].d.next = self.din.val();
                        self.v[0].d.next = true;
                    }
                    for i in 1..$depth {
                        if !self.vs[i].val() & self.vs[i - 1].val() {
                            self.e[i].d.next = self.din.val();
                            self.v[i].d.next = true;
                        }
                    }
                }
                if self.push.val() & !self.vs[$dm1].val() & !self.popv.val() {
                    self.cnt.d.next = self.cnt.q.val() + 1;
                }
                if !(self.push.val() & !self.vs[$dm1].val()) & self.popv.val() {
                    self.cnt.d.next = self.cnt.q.val() - 1;
                }
                if (self.push.val() & self.vs[$dm1].val()) | (self.pop.val() & !self.popv.val()) {
                    self.err_r.d.next = true;
                }
                if self.clear.val() {
                    self.err_r.d.next = false;
                    self.cnt.d.next = 0.into();
                    for i in 0..$depth {
                        self.v[i].d.next = false;
                    }
                }
                self.dout.next = self.e[0].q.val();
                self.valid.next = self.v[0].q.val();
                self.count.next = self.cnt.q.val();
                self.err.next = self.err_r.q.val();
            }
        }
    };
}

small_fifo!(Fifo16, 16, 15, 5);

/// A deeper first-word-fall-through FIFO on a two-port RAM (one write and
/// one registered read per cycle; an SRAM macro in an ASIC), with the same
/// interface as the shift-register FIFOs plus `full` and, in the variants
/// that have it, `almost_full` (at most one free entry). The RAM reads the next head at every clock
/// edge; an entry pushed into an empty (or emptying) FIFO is bypassed
/// through a register, since the RAM returns old data when the same word is
/// written and read at one edge. Latency: pushed data is at `dout` the next
/// cycle, as in the shift-register FIFOs.
macro_rules! ram_fifo {
    ($name:ident, $aw:literal, $depth:literal, $cw:literal $(, $af:ident)?) => {
        #[derive(LogicBlock)]
        pub struct $name<T: Synth> {
            pub clock: Signal<In, Clock>,
            pub clear: Signal<In, Bit>,
            pub push: Signal<In, Bit>,
            pub din: Signal<In, T>,
            pub pop: Signal<In, Bit>,
            pub dout: Signal<Out, T>,
            pub valid: Signal<Out, Bit>,
            pub count: Signal<Out, Bits<$cw>>,
            pub full: Signal<Out, Bit>,
            $(pub $af: Signal<Out, Bit>,)?
            /// Sticky: pushed while full (without a pop) or popped while
            /// empty since the last `clear`.
            pub err: Signal<Out, Bit>,
            err_r: DFF<Bit>,
            ram: RAM<T, $aw>,
            wp: DFF<Bits<$aw>>,
            rp: DFF<Bits<$aw>>,
            cnt: DFF<Bits<$cw>>,
            byp: DFF<Bit>,
            bypd: DFF<T>,
            popv: Signal<Local, Bit>,
            pushv: Signal<Local, Bit>,
            rp_next: Signal<Local, Bits<$aw>>,
            depth: Constant<Bits<$cw>>,
        }

        impl<T: Synth> Default for $name<T> {
            fn default() -> Self {
                Self {
                    clock: Default::default(),
                    clear: Default::default(),
                    push: Default::default(),
                    din: Default::default(),
                    pop: Default::default(),
                    dout: Default::default(),
                    valid: Default::default(),
                    count: Default::default(),
                    full: Default::default(),
                    $($af: Default::default(),)?
                    err: Default::default(),
                    err_r: Default::default(),
                    ram: Default::default(),
                    wp: Default::default(),
                    rp: Default::default(),
                    cnt: Default::default(),
                    byp: Default::default(),
                    bypd: Default::default(),
                    popv: Default::default(),
                    pushv: Default::default(),
                    rp_next: Default::default(),
                    depth: Constant::new(($depth as u64).into()),
                }
            }
        }

        impl<T: Synth> Logic for $name<T> {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, wp, rp, cnt, byp, bypd, err_r);
                self.popv.next = self.pop.val() & (self.cnt.q.val() != 0);
                self.pushv.next = self.push.val()
                    & ((self.cnt.q.val() != self.depth.val()) | self.popv.val());
                self.rp_next.next = self.rp.q.val();
                if self.popv.val() {
                    self.rp_next.next = self.rp.q.val() + 1;
                    self.rp.d.next = self.rp.q.val() + 1;
                }
                if self.pushv.val() {
                    self.wp.d.next = self.wp.q.val() + 1;
                }
                if self.pushv.val() & !self.popv.val() {
                    self.cnt.d.next = self.cnt.q.val() + 1;
                }
                if !self.pushv.val() & self.popv.val() {
                    self.cnt.d.next = self.cnt.q.val() - 1;
                }
                // The next head is the entry pushed now: bypass the RAM.
                self.byp.d.next = self.pushv.val() & (self.wp.q.val() == self.rp_next.val());
                self.bypd.d.next = self.din.val();
                self.ram.write_clock.next = self.clock.val();
                self.ram.read_clock.next = self.clock.val();
                self.ram.write_enable.next = self.pushv.val();
                self.ram.write_address.next = self.wp.q.val();
                self.ram.write_data.next = self.din.val();
                self.ram.read_address.next = self.rp_next.val();
                if (self.push.val() & !self.pushv.val()) | (self.pop.val() & !self.popv.val()) {
                    self.err_r.d.next = true;
                }
                if self.clear.val() {
                    self.err_r.d.next = false;
                    self.cnt.d.next = 0.into();
                    self.wp.d.next = 0.into();
                    self.rp.d.next = 0.into();
                    self.byp.d.next = false;
                }
                self.dout.next = self.ram.read_data.val();
                if self.byp.q.val() {
                    self.dout.next = self.bypd.q.val();
                }
                self.valid.next = self.cnt.q.val() != 0;
                self.count.next = self.cnt.q.val();
                self.full.next = self.cnt.q.val() == self.depth.val();
                $(self.$af.next = (self.cnt.q.val() + 1) >= self.depth.val();)?
                self.err.next = self.err_r.q.val();
            }
        }
    };
}

ram_fifo!(RamFifo32, 5, 32, 6);
ram_fifo!(RamFifo32Af, 5, 32, 6, almost_full);
