//! Small synchronous FIFOs for the NTX datapath: shift-register storage
//! (the head is always entry 0, so the output needs no read multiplexer),
//! push and pop in the same cycle, synchronous `clear`. `dout` is the head
//! (valid when `valid`); `count` the occupancy. Pushing into a full FIFO
//! (without a pop) or popping an empty one is the user's error and is
//! ignored.

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
                dff_setup!(self, clock, cnt);
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
                if self.clear.val() {
                    self.cnt.d.next = 0.into();
                    for i in 0..$depth {
                        self.v[i].d.next = false;
                    }
                }
                self.dout.next = self.e[0].q.val();
                self.valid.next = self.v[0].q.val();
                self.count.next = self.cnt.q.val();
            }
        }
    };
}

small_fifo!(Fifo4, 4, 3, 5);
small_fifo!(Fifo8, 8, 7, 5);
small_fifo!(Fifo16, 16, 15, 5);
