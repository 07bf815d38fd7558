//! System model: from one 8-NTX cluster (calibrated against the RTL) to a
//! Hybrid Memory Cube with N clusters on its logic die and a 2-D torus of
//! cubes training data-parallel (`ntx system`).
//!
//! | file | level |
//! |---|---|
//! | [`params`] | every parameter with its source |
//! | [`cluster`] | cycle model of one cluster (command-list replay, synthetic tiles) |
//! | [`calib`] | calibration against the RTL cluster on Verilator |
//! | [`kernels`] | synthetic tiles of the layer kernels for whole networks |
//! | [`hmc`] | the cube: shared vaults, links, logic die |
//! | [`nets`] | layer tables of the CNNs |
//! | [`step`] | one training step on a cube |
//! | [`mesh`] | data-parallel training on a 2-D torus of cubes, GPU system |
//! | [`energy`], [`area`] | activity-based energy, area from Yosys cells |
//! | [`report`] | `ntx system`: tables and SVG plots |
//!
//! **Layer.** Crate `ntx-system`, the top model layer below the CLI: it may
//! depend on `ntx-params`, `ntx-model`, `ntx-sim` (the Verilator cluster for
//! calibration) and `ntx-dnn` (networks, kernels, the training step), never
//! on the NTX harness, the backends or `ntx-verif` (which re-exports it as
//! `ntx_verif::system` and exposes `ntx system`).

pub mod area;
pub mod calib;
pub mod cluster;
pub mod energy;
pub mod hmc;
pub mod kernels;
pub mod mesh;
pub mod nets;
pub mod params;
pub mod report;
pub mod step;

use ntx_dnn as dnn;
use ntx_model as model;
use ntx_sim::{cluster_tb, verilator};
