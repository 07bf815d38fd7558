//! Logarithmic interconnect + banks (`ntx_hw::tcdm::Tcdm`) against the
//! behavioural twin `ntx_verif::model::xbar::XbarModel`, cycle by cycle, with
//! randomized traffic, plus independent scoreboard checks (every access
//! granted once and answered once, one cycle after its grant; reads return
//! the last write; round-robin wait bound; the aging bound of every master
//! under every mix of levels and urgency), read broadcast and urgency
//! hints, and the tool flow.

use ntx_hw::bus::port_name;
use ntx_hw::tcdm::{bank::Bank, check::OneAccess, xbar::Xbar, Tcdm};
use ntx_verif::model::xbar::{merge_be, Req, XbarModel, AGE_LIMIT};
use ntx_verif::traffic::{Master, Pattern, PATTERNS};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Levels {
    /// All masters at one level: round-robin bound applies.
    Equal,
    /// Random fixed level per master.
    Fixed,
    /// Random levels every cycle.
    Random,
    /// The adversary: master 0 at level 0 and never urgent, the others at
    /// level 3 and urgent whatever the urgency rate says (master 0 starves
    /// without aging).
    Starve,
}

/// The wait bound of the interconnect with `m` masters: a master that holds
/// its request is refused at most this many cycles in a row.
fn wait_bound(m: usize) -> u64 {
    AGE_LIMIT as u64 + m as u64 - 1
}

trait Clocked: Block {
    fn clk(&mut self) -> &mut Signal<In, Clock>;
}
impl<const M: usize, const B: usize, const N: usize> Clocked for Tcdm<M, B, N> {
    fn clk(&mut self) -> &mut Signal<In, Clock> {
        &mut self.clock
    }
}

fn cycle<T: Clocked>(uut: &mut T) {
    uut.clk().next = Clock { clk: true };
    assert!(simulate(uut, 1000), "no convergence");
    uut.clk().next = Clock { clk: false };
    assert!(simulate(uut, 1000), "no convergence");
}

struct Stats {
    grants: u64,
    max_wait: u64,
}

/// Run `cycles` cycles of traffic; Err describes the first mismatch.
fn run<const M: usize, const B: usize, const N: usize>(
    seed: u64,
    pattern: Pattern,
    levels: Levels,
    idle_permille: u32,
    urgent_permille: u32,
    cycles: u64,
) -> Result<Stats, String> {
    let words = B << N;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut uut: Box<Tcdm<M, B, N>> = Box::default();
    uut.connect_all();
    let mut model = XbarModel::new(M, B, words);
    for w in 0..words {
        let v: u32 = rng.gen();
        uut.poke(w, v);
        model.mem[w] = v;
    }
    // Independent scoreboard: a plain word memory updated in grant order.
    let mut shadow = model.mem.clone();
    let mut masters: Vec<Master> = (0..M)
        .map(|m| {
            Master::new(
                m,
                pattern,
                B,
                words,
                idle_permille,
                seed.wrapping_add(m as u64),
            )
        })
        .collect();
    let fixed: Vec<u8> = (0..M).map(|_| rng.gen_range(0..4)).collect();
    let equal: u8 = rng.gen_range(0..4);
    // Expected response per master for next cycle: Some(Some(data)) read, Some(None) write.
    let mut expect: Vec<Option<Option<u32>>> = vec![None; M];
    let (mut issued, mut answered) = (vec![0u64; M], vec![0u64; M]);
    let mut st = Stats {
        grants: 0,
        max_wait: 0,
    };
    uut.clear.next = true;
    cycle(&mut *uut);
    uut.clear.next = false;
    for t in 0..cycles {
        let reqs: Vec<Option<Req>> = masters.iter_mut().map(|m| m.request()).collect();
        let lv: Vec<u8> = match levels {
            Levels::Equal => vec![equal; M],
            Levels::Fixed => fixed.clone(),
            Levels::Random => (0..M).map(|_| rng.gen_range(0..4)).collect(),
            Levels::Starve => (0..M).map(|m| if m == 0 { 0 } else { 3 }).collect(),
        };
        let urgent: Vec<bool> = (0..M)
            .map(|m| match levels {
                Levels::Starve => m != 0,
                _ => rng.gen_range(0..1000) < urgent_permille,
            })
            .collect();
        for m in 0..M {
            let r = reqs[m].unwrap_or(Req {
                addr: 0,
                we: false,
                be: 0,
                wdata: 0,
            });
            uut.m[m].req.next = reqs[m].is_some();
            uut.m[m].addr.next = (r.addr as u64).into();
            uut.m[m].we.next = r.we;
            uut.m[m].be.next = (r.be as u64).into();
            uut.m[m].wdata.next = (r.wdata as u64).into();
            uut.m_level[m].next = (lv[m] as u64).into();
            uut.m[m].urgent.next = urgent[m];
        }
        assert!(simulate(&mut *uut, 1000), "no convergence");
        if uut.err.val() {
            return Err(format!(
                "seed {seed:#x} {pattern:?} {levels:?} cycle {t}: the one-access-per-bank \
                 check (err) fired: some bank granted two accesses in the last cycle"
            ));
        }
        let exp = model.cycle_urgent(&reqs, &lv, &urgent);
        let ctx = |m: usize| {
            format!(
                "seed {seed:#x} {pattern:?} {levels:?} urgent {urgent_permille}/1000 cycle {t} master {m} \
                 (reproduce: run::<{M}, {B}, {N}>({seed:#x}, Pattern::{pattern:?}, Levels::{levels:?}, {idle_permille}, {urgent_permille}, {cycles}))"
            )
        };
        for m in 0..M {
            let gnt = uut.m[m].gnt.val();
            let rvalid = uut.m[m].r_valid.val();
            let rdata = uut.m[m].r_rdata.val().to_u32();
            if gnt != exp.gnt[m] {
                return Err(format!("{}: gnt {gnt}, model {}", ctx(m), exp.gnt[m]));
            }
            if gnt && reqs[m].is_none() {
                return Err(format!("{}: grant without request", ctx(m)));
            }
            if rvalid != exp.rvalid[m] {
                return Err(format!(
                    "{}: r_valid {rvalid}, model {}",
                    ctx(m),
                    exp.rvalid[m]
                ));
            }
            // Scoreboard: a response exactly one cycle after each grant.
            if rvalid != expect[m].is_some() {
                return Err(format!(
                    "{}: r_valid {rvalid} not one cycle after a grant",
                    ctx(m)
                ));
            }
            if rvalid {
                answered[m] += 1;
                if let Some(Some(d)) = expect[m] {
                    if rdata != d || exp.rdata[m] != Some(d) {
                        return Err(format!(
                            "{}: read data {rdata:#x}, last write {d:#x}, model {:?}",
                            ctx(m),
                            exp.rdata[m]
                        ));
                    }
                }
            }
        }
        for m in 0..M {
            expect[m] = None;
            if uut.m[m].gnt.val() {
                let r = reqs[m].unwrap();
                let w = ((r.addr >> 2) as usize) % words;
                issued[m] += 1;
                st.grants += 1;
                if r.we {
                    shadow[w] = merge_be(shadow[w], r.wdata, r.be);
                    expect[m] = Some(None);
                } else {
                    expect[m] = Some(Some(shadow[w]));
                }
            }
            if let Some(w) = masters[m].granted(uut.m[m].gnt.val()) {
                st.max_wait = st.max_wait.max(w);
                if w > wait_bound(M) {
                    return Err(format!(
                        "{}: waited {w} cycles > the aging bound {}",
                        ctx(m),
                        wait_bound(M)
                    ));
                }
                if matches!(levels, Levels::Equal) && urgent_permille == 0 && w > (M as u64 - 1) {
                    return Err(format!(
                        "{}: waited {w} cycles > M-1 under round robin",
                        ctx(m)
                    ));
                }
            }
        }
        // A request still waiting must be within the bound too.
        for (m, ms) in masters.iter().enumerate() {
            if ms.cur.is_some() && ms.waited > wait_bound(M) {
                return Err(format!(
                    "{}: waiting {} cycles > the aging bound {}",
                    ctx(m),
                    ms.waited,
                    wait_bound(M)
                ));
            }
        }
        cycle(&mut *uut);
    }
    // Drain the last responses.
    for m in 0..M {
        uut.m[m].req.next = false;
    }
    assert!(simulate(&mut *uut, 1000));
    for m in 0..M {
        if uut.m[m].r_valid.val() {
            answered[m] += 1;
        }
    }
    if uut.err.val() {
        return Err(format!(
            "seed {seed:#x}: the one-access-per-bank check (err) fired"
        ));
    }
    if issued != answered {
        return Err(format!(
            "seed {seed:#x}: grants {issued:?} != responses {answered:?}"
        ));
    }
    for w in 0..words {
        if uut.peek(w) != model.mem[w] || shadow[w] != model.mem[w] {
            return Err(format!(
                "seed {seed:#x}: word {w}: rtl {:#x} model {:#x} scoreboard {:#x}",
                uut.peek(w),
                model.mem[w],
                shadow[w]
            ));
        }
    }
    Ok(st)
}

fn pattern_strategy() -> impl Strategy<Value = Pattern> {
    (0..PATTERNS.len()).prop_map(|i| PATTERNS[i])
}
fn urgent_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), 0..1000u32]
}
fn levels_strategy() -> impl Strategy<Value = Levels> {
    prop_oneof![
        Just(Levels::Equal),
        Just(Levels::Fixed),
        Just(Levels::Random),
        Just(Levels::Starve)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// The cluster's interconnect size: 18 masters, 32 banks.
    #[test]
    fn cluster_size_random(seed in any::<u64>(), pattern in pattern_strategy(),
                           levels in levels_strategy(), idle in prop_oneof![Just(0u32), 0..900u32],
                           urgent in urgent_strategy()) {
        let r = run::<18, 32, 4>(seed, pattern, levels, idle, urgent, 300);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap());
        prop_assert!(r.unwrap().grants > 0);
    }

    /// More masters than banks, small memory (many same-word hazards).
    #[test]
    fn small_random(seed in any::<u64>(), pattern in pattern_strategy(),
                    levels in levels_strategy(), idle in prop_oneof![Just(0u32), 0..900u32],
                    urgent in urgent_strategy()) {
        let r = run::<5, 4, 2>(seed, pattern, levels, idle, urgent, 400);
        prop_assert!(r.is_ok(), "{}", r.err().unwrap());
    }
}

#[test]
fn hotspot_round_robin_reaches_the_bound() {
    // All 18 masters on one bank, always requesting: each waits exactly M-1.
    let st = run::<18, 32, 5>(1, Pattern::Hotspot, Levels::Equal, 0, 0, 400).unwrap();
    assert_eq!(st.max_wait, 17);
    assert!(st.grants >= 399, "the bank grants every cycle");
}

#[test]
fn permutation_is_conflict_free() {
    // 16 masters stepping through distinct banks: everyone granted every cycle.
    let st = run::<16, 32, 4>(2, Pattern::Permutation, Levels::Equal, 0, 0, 200).unwrap();
    assert_eq!(st.max_wait, 0);
    assert_eq!(st.grants, 16 * 200);
}

#[test]
fn higher_level_wins() {
    // Master 0 at level 3 against 3 masters at level 0 on one bank: master 0
    // is never refused, the others share what is left.
    let st = run::<4, 4, 3>(3, Pattern::Hotspot, Levels::Fixed, 0, 0, 100);
    assert!(st.is_ok(), "{}", st.err().unwrap());
    let mut uut: Box<Tcdm<4, 4, 3>> = Box::default();
    uut.connect_all();
    for m in 0..4 {
        uut.m[m].req.next = true;
        uut.m[m].addr.next = (16u64 * m as u64).into(); // bank 0
        uut.m_level[m].next = (if m == 2 { 3u64 } else { 1 }).into();
    }
    for _ in 0..10 {
        assert!(simulate(&mut *uut, 1000));
        assert!(uut.m[2].gnt.val());
        assert!(!uut.m[0].gnt.val() && !uut.m[1].gnt.val() && !uut.m[3].gnt.val());
        cycle(&mut *uut);
    }
}

#[test]
fn shared_words_with_urgency() {
    // Same-word reads and writes on two banks, urgency hints half the time.
    for seed in 0..4 {
        let st = run::<18, 8, 3>(seed, Pattern::Shared, Levels::Equal, 100, 500, 300);
        assert!(st.is_ok(), "{}", st.err().unwrap());
    }
}

#[test]
fn aging_bounds_the_wait_of_a_starved_master() {
    // All masters on bank 0, each on its own word, always requesting; master
    // 0 at the lowest level and never urgent against urgent masters at the
    // highest level. Without aging it is never granted; with it, it waits
    // exactly AGE_LIMIT cycles (the others, round robin among themselves,
    // wait M - 2 < AGE_LIMIT and never age), and the RTL agrees with the
    // model cycle for cycle.
    let cycles = 4 * AGE_LIMIT as u64;
    let st = run::<6, 4, 3>(7, Pattern::Hotspot, Levels::Starve, 0, 0, cycles).unwrap();
    assert_eq!(st.max_wait, AGE_LIMIT as u64);
    // Master 0 is granted once per AGE_LIMIT + 1 cycles, the bank every cycle.
    assert!(st.grants >= cycles - 1);
    // The same on the cluster's size, with reads and writes mixed on shared
    // words (broadcast) and random idling of the masters.
    for seed in 0..2 {
        let r = run::<18, 32, 4>(seed, Pattern::Shared, Levels::Starve, 200, 0, cycles);
        assert!(r.is_ok(), "{}", r.err().unwrap());
    }
}

#[test]
fn aging_holds_under_random_levels_and_urgency() {
    // Long runs (several AGE_LIMIT) on few banks with random or fixed levels
    // and dense urgency: aging fires, RTL = model, every wait within the
    // bound (checked inside `run`).
    let mut over = 0;
    for (seed, levels) in [
        (11, Levels::Fixed),
        (12, Levels::Random),
        (13, Levels::Fixed),
    ] {
        let st = run::<5, 2, 3>(seed, Pattern::Hotspot, levels, 0, 700, 3 * AGE_LIMIT as u64)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(st.max_wait <= wait_bound(5));
        over += (st.max_wait >= AGE_LIMIT as u64) as u32;
    }
    assert!(over > 0, "aging never fired: the test exercises nothing");
}

#[test]
fn broadcast_serves_every_reader_of_a_word() {
    // 18 masters read word 5 in the same cycle: one bank access serves all,
    // each gets the word one cycle later; a reader of another word of that
    // bank waits.
    let mut uut: Box<Tcdm<19, 4, 3>> = Box::default();
    uut.connect_all();
    uut.poke(5, 0xdead_beef);
    uut.poke(9, 0x1234_5678);
    for m in 0..19 {
        uut.m[m].req.next = true;
        uut.m[m].addr.next = (if m == 18 { 4 * 9 } else { 4 * 5u64 }).into();
    }
    assert!(simulate(&mut *uut, 1000));
    let granted: Vec<bool> = (0..19).map(|m| uut.m[m].gnt.val()).collect();
    // round robin from reset grants master 18 first (highest index)...
    assert_eq!(granted.iter().filter(|&&g| g).count(), 1, "{granted:?}");
    assert!(granted[18]);
    cycle(&mut *uut);
    uut.m[18].req.next = false;
    assert!(simulate(&mut *uut, 1000));
    assert!(uut.m[18].r_valid.val());
    assert_eq!(uut.m[18].r_rdata.val().to_u32(), 0x1234_5678);
    // ...then all 18 readers of word 5 at once.
    assert!((0..18).all(|m| uut.m[m].gnt.val()));
    cycle(&mut *uut);
    for m in 0..19 {
        uut.m[m].req.next = false;
    }
    assert!(simulate(&mut *uut, 1000));
    for m in 0..18 {
        assert!(uut.m[m].r_valid.val());
        assert_eq!(uut.m[m].r_rdata.val().to_u32(), 0xdead_beef);
    }
    assert!(!uut.m[18].r_valid.val());
}

#[test]
fn urgent_request_wins_within_its_level() {
    // Four masters on bank 0 at one level; master 1 urgent: always granted.
    // At a higher level, a non-urgent master still beats it.
    let mut uut: Box<Tcdm<4, 4, 3>> = Box::default();
    uut.connect_all();
    for m in 0..4 {
        uut.m[m].req.next = true;
        uut.m[m].addr.next = (16u64 * m as u64).into(); // bank 0, distinct words
        uut.m[m].urgent.next = m == 1;
    }
    for _ in 0..6 {
        assert!(simulate(&mut *uut, 1000));
        assert!((0..4).all(|m| uut.m[m].gnt.val() == (m == 1)));
        cycle(&mut *uut);
    }
    uut.m_level[3].next = 2.into();
    assert!(simulate(&mut *uut, 1000));
    assert!((0..4).all(|m| uut.m[m].gnt.val() == (m == 3)));
}

#[test]
fn flow_bank() {
    let mut uut = Bank::<4>::default();
    uut.connect_all();
    let rep = ntx_verif::flow::check_block("tcdm_bank", &generate_verilog(&uut)).unwrap();
    println!("tcdm_bank (16 words): {rep:?}");
}

#[test]
fn flow_xbar() {
    let mut uut = Xbar::<6, 8>::default();
    uut.connect_all();
    let rep = ntx_verif::flow::check_block("tcdm_xbar_6x8", &generate_verilog(&uut)).unwrap();
    println!("tcdm_xbar (6 masters, 8 banks): {rep:?}");
    assert!(rep.flip_flops > 0);
}

#[test]
fn flow_tcdm_small() {
    let mut uut = Tcdm::<4, 4, 3>::default();
    uut.connect_all();
    let rep = ntx_verif::flow::check_block("tcdm_small", &generate_verilog(&uut)).unwrap();
    println!("tcdm (4 masters, 4 banks x 8 words): {rep:?}");
}

/// Verilator with random initial state (`+verilator+rand+reset+2`, rust-hdl's
/// simulation-only DFF initial values stripped; three seeds): after one
/// cycle of `clear` the interconnect (round-robin pointers, wait counters,
/// response registers) grants and answers exactly as the model from reset,
/// under adversarial levels and urgency long enough for aging to fire, so
/// the clear path covers every register of the interconnect.
#[test]
fn random_initial_state_is_cleared_on_verilator() {
    const M: usize = 6;
    const B: usize = 4;
    const WORDS: usize = 64;
    let mut uut = Xbar::<M, B>::default();
    uut.connect_all();
    let v = ntx_verif::verilator::backend::strip_initial_values(&generate_verilog(&uut));
    assert!(!v.contains("initial begin"));
    let (mut aged_runs, mut stray) = (0, 0);
    for rs in [1u32, 2, 3] {
        let mut x = ntx_verif::verilator::VerilatedModel::build_random_init(
            "tcdm_xbar_6x4_rand",
            &v,
            &Default::default(),
            rs,
        )
        .unwrap();
        let mut model = XbarModel::new(M, B, WORDS);
        let mut rng = StdRng::seed_from_u64(rs as u64);
        let pattern = [Pattern::Hotspot, Pattern::Shared, Pattern::Uniform][rs as usize - 1];
        let mut masters: Vec<Master> = (0..M)
            .map(|m| Master::new(m, pattern, B, WORDS, 50, rs as u64 + m as u64))
            .collect();
        for m in 0..M {
            x.set(&port_name(&format!("m${m}"), "req"), 0);
        }
        x.eval();
        // responses out of nowhere: the response registers start random
        stray += (0..M)
            .filter(|m| x.get(&port_name(&format!("m${m}"), "r_valid")) != 0)
            .count();
        x.set("clear", 1);
        x.tick();
        x.set("clear", 0);
        assert_eq!(
            x.get("err"),
            0,
            "seed {rs}: the one-access flag not cleared by clear"
        );
        let mut max_wait = 0;
        for t in 0..3 * AGE_LIMIT as u64 {
            let reqs: Vec<Option<Req>> = masters.iter_mut().map(|m| m.request()).collect();
            // master 0 lowest and never urgent, the others random
            let lv: Vec<u8> = (0..M)
                .map(|m| if m == 0 { 0 } else { rng.gen_range(1..4) })
                .collect();
            let urgent: Vec<bool> = (0..M).map(|m| m != 0 && rng.gen_bool(0.8)).collect();
            for m in 0..M {
                let r = reqs[m].unwrap_or(Req {
                    addr: 0,
                    we: false,
                    be: 0,
                    wdata: 0,
                });
                x.set(
                    &port_name(&format!("m${m}"), "req"),
                    reqs[m].is_some() as u64,
                );
                x.set(&port_name(&format!("m${m}"), "addr"), r.addr as u64);
                x.set(&port_name(&format!("m${m}"), "we"), r.we as u64);
                x.set(&port_name(&format!("m${m}"), "be"), r.be as u64);
                x.set(&port_name(&format!("m${m}"), "wdata"), r.wdata as u64);
                x.set(&format!("m_level${m}"), lv[m] as u64);
                x.set(&port_name(&format!("m${m}"), "urgent"), urgent[m] as u64);
            }
            x.eval();
            let exp = model.cycle_urgent(&reqs, &lv, &urgent);
            for m in 0..M {
                let (g, rv) = (
                    x.get(&port_name(&format!("m${m}"), "gnt")) != 0,
                    x.get(&port_name(&format!("m${m}"), "r_valid")) != 0,
                );
                assert_eq!(
                    (g, rv),
                    (exp.gnt[m], exp.rvalid[m]),
                    "random init seed {rs}, cycle {t}, master {m}: (gnt, r_valid) vs model"
                );
                if let Some(w) = masters[m].granted(g) {
                    max_wait = max_wait.max(w);
                }
            }
            x.tick();
        }
        assert!(max_wait <= wait_bound(M), "seed {rs}: waited {max_wait}");
        aged_runs += (max_wait >= AGE_LIMIT as u64) as u32;
    }
    assert!(aged_runs > 0, "aging never fired");
    assert!(stray > 0, "random initial state not applied");
}

/// The one-access-per-bank check on its own, driven with illegal grants
/// (no arbitration grants these): two writes to one bank, reads of two
/// words of one bank, a write with a read; the flag is sticky until
/// `clear`. Legal: reads of one word (broadcast), accesses to different
/// banks, a lone write.
#[test]
fn one_access_check_fires_on_illegal_grants() {
    const M: usize = 4;
    let mut c = OneAccess::<M>::default();
    c.connect_all();
    // (granted, we, bank, word) per master; returns err after the edge
    fn step(c: &mut OneAccess<M>, g: [(bool, bool, u32, u32); M], clear: bool) -> bool {
        for (m, &(gnt, we, bank, word)) in g.iter().enumerate() {
            c.gnt[m].next = gnt;
            c.we[m].next = we;
            c.bank[m].next = (bank as u64).into();
            c.word[m].next = (word as u64).into();
        }
        c.clear.next = clear;
        c.clock.next = Clock { clk: false };
        assert!(simulate(c, 100));
        c.clock.next = Clock { clk: true };
        assert!(simulate(c, 100));
        c.err.val()
    }
    let idle = (false, false, 0, 0);
    assert!(!step(&mut c, [idle; M], true), "clear");
    let legal: [[(bool, bool, u32, u32); M]; 4] = [
        // broadcast: three reads of word 9 in bank 1
        [
            (true, false, 1, 9),
            (true, false, 1, 9),
            idle,
            (true, false, 1, 9),
        ],
        // one access per bank: a write to bank 0, reads in banks 1 and 2
        [
            (true, true, 0, 8),
            (true, false, 1, 5),
            (true, false, 2, 6),
            idle,
        ],
        // two writes to one bank, only one of them granted
        [(true, true, 3, 3), (false, true, 3, 7), idle, idle],
        [idle; M],
    ];
    for (k, g) in legal.iter().enumerate() {
        assert!(!step(&mut c, *g, false), "legal case {k} flagged");
    }
    let illegal: [[(bool, bool, u32, u32); M]; 4] = [
        // two granted writes to bank 2
        [idle, (true, true, 2, 2), idle, (true, true, 2, 6)],
        // granted reads of different words of bank 1
        [(true, false, 1, 1), (true, false, 1, 5), idle, idle],
        // a granted write and a granted read of the same word
        [(true, false, 0, 4), idle, (true, true, 0, 4), idle],
        // two writes to the same word
        [(true, true, 3, 7), (true, true, 3, 7), idle, idle],
    ];
    for (k, g) in illegal.iter().enumerate() {
        assert!(
            !step(&mut c, [idle; M], true),
            "clear before illegal case {k}"
        );
        assert!(step(&mut c, *g, false), "illegal case {k} not flagged");
        // sticky over legal cycles, until clear
        assert!(
            step(&mut c, [idle; M], false),
            "illegal case {k}: flag not sticky"
        );
        assert!(
            step(&mut c, legal[0], false),
            "illegal case {k}: flag not sticky"
        );
    }
    assert!(!step(&mut c, [idle; M], true), "clear");
}
