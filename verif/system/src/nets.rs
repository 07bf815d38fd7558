//! Layer tables of well-known CNNs (shapes from their papers) and the
//! digits CNN of `ntx train`, as flat lists of layers with input shapes.
//! Multiply-accumulate counts are computed from the shapes ([`Net::macs`]).
//!
//! Simplifications (stated in the README): local response normalisation
//! (AlexNet, GoogLeNet) is omitted; batch normalisation (ResNets) is an
//! elementwise layer ([`Layer::Norm`]); GoogLeNet's auxiliary classifiers
//! are omitted; concatenation is free (branches write into one tensor).

/// One layer with its input shape (`c x h x w` per image).
#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    /// Convolution `ci -> co`, `k x k`, stride `s`, zero padding `pad`,
    /// `groups` channel groups (AlexNet's two-GPU split).
    Conv {
        name: String,
        ci: usize,
        co: usize,
        h: usize,
        w: usize,
        k: usize,
        s: usize,
        pad: usize,
        groups: usize,
    },
    /// Fully connected `ni -> no`.
    Fc { name: String, ni: usize, no: usize },
    /// ReLU over `c x h x w`.
    Relu {
        name: String,
        c: usize,
        h: usize,
        w: usize,
    },
    /// Max (or average) pooling `k x k` stride `s` over `c x h x w`.
    Pool {
        name: String,
        c: usize,
        h: usize,
        w: usize,
        k: usize,
        s: usize,
        pad: usize,
    },
    /// Batch normalisation (elementwise, statistics + scale/shift).
    Norm {
        name: String,
        c: usize,
        h: usize,
        w: usize,
    },
    /// Residual addition of two `c x h x w` tensors.
    Add {
        name: String,
        c: usize,
        h: usize,
        w: usize,
    },
}

/// Output size of a windowed dimension.
pub fn out(size: usize, k: usize, s: usize, pad: usize) -> usize {
    (size + 2 * pad - k) / s + 1
}

impl Layer {
    pub fn name(&self) -> &str {
        match self {
            Layer::Conv { name, .. }
            | Layer::Fc { name, .. }
            | Layer::Relu { name, .. }
            | Layer::Pool { name, .. }
            | Layer::Norm { name, .. }
            | Layer::Add { name, .. } => name,
        }
    }
    /// Multiply-accumulates of the forward pass per image.
    pub fn macs(&self) -> u64 {
        match *self {
            Layer::Conv {
                ci,
                co,
                h,
                w,
                k,
                s,
                pad,
                groups,
                ..
            } => (co * (ci / groups) * k * k * out(h, k, s, pad) * out(w, k, s, pad)) as u64,
            Layer::Fc { ni, no, .. } => (ni * no) as u64,
            _ => 0,
        }
    }
    /// Trainable parameters (weights and biases).
    pub fn params(&self) -> u64 {
        match *self {
            Layer::Conv {
                ci, co, k, groups, ..
            } => (co * (ci / groups) * k * k + co) as u64,
            Layer::Fc { ni, no, .. } => (ni * no + no) as u64,
            Layer::Norm { c, .. } => 2 * c as u64,
            _ => 0,
        }
    }
}

/// A network: name, input shape, layers.
#[derive(Clone, Debug)]
pub struct Net {
    pub name: &'static str,
    pub input: (usize, usize, usize),
    pub layers: Vec<Layer>,
}

impl Net {
    /// Forward multiply-accumulates per image.
    pub fn macs(&self) -> u64 {
        self.layers.iter().map(Layer::macs).sum()
    }
    /// Trainable parameters.
    pub fn params(&self) -> u64 {
        self.layers.iter().map(Layer::params).sum()
    }
}

/// Names accepted by [`by_name`].
pub const NAMES: [&str; 7] = [
    "alexnet",
    "vgg16",
    "resnet18",
    "resnet34",
    "resnet50",
    "googlenet",
    "digits",
];

/// The network called `name` (case-insensitive), or an error listing the
/// valid names.
pub fn by_name(name: &str) -> Result<Net, String> {
    Ok(
        match name.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "alexnet" => alexnet(),
            "vgg16" => vgg16(),
            "resnet18" => resnet(18),
            "resnet34" => resnet(34),
            "resnet50" => resnet(50),
            "googlenet" => googlenet(),
            "digits" => digits(),
            _ => {
                return Err(format!(
                    "unknown network {name:?}; valid: {}",
                    NAMES.join(", ")
                ))
            }
        },
    )
}

/// Builder tracking the current tensor shape.
struct B {
    layers: Vec<Layer>,
    c: usize,
    h: usize,
    w: usize,
}

impl B {
    fn new(c: usize, h: usize) -> Self {
        Self {
            layers: vec![],
            c,
            h,
            w: h,
        }
    }
    #[allow(clippy::too_many_arguments)]
    fn conv_g(&mut self, name: &str, co: usize, k: usize, s: usize, pad: usize, groups: usize) {
        self.layers.push(Layer::Conv {
            name: name.into(),
            ci: self.c,
            co,
            h: self.h,
            w: self.w,
            k,
            s,
            pad,
            groups,
        });
        self.c = co;
        self.h = out(self.h, k, s, pad);
        self.w = out(self.w, k, s, pad);
    }
    fn conv(&mut self, name: &str, co: usize, k: usize, s: usize, pad: usize) {
        self.conv_g(name, co, k, s, pad, 1);
    }
    fn relu(&mut self, name: &str) {
        self.layers.push(Layer::Relu {
            name: format!("{name}.relu"),
            c: self.c,
            h: self.h,
            w: self.w,
        });
    }
    fn norm(&mut self, name: &str) {
        self.layers.push(Layer::Norm {
            name: format!("{name}.bn"),
            c: self.c,
            h: self.h,
            w: self.w,
        });
    }
    fn pool(&mut self, name: &str, k: usize, s: usize, pad: usize) {
        self.layers.push(Layer::Pool {
            name: name.into(),
            c: self.c,
            h: self.h,
            w: self.w,
            k,
            s,
            pad,
        });
        self.h = out(self.h, k, s, pad);
        self.w = out(self.w, k, s, pad);
    }
    fn fc(&mut self, name: &str, no: usize) {
        let ni = self.c * self.h * self.w;
        self.layers.push(Layer::Fc {
            name: name.into(),
            ni,
            no,
        });
        self.c = no;
        self.h = 1;
        self.w = 1;
    }
    fn conv_relu(&mut self, name: &str, co: usize, k: usize, s: usize, pad: usize) {
        self.conv(name, co, k, s, pad);
        self.relu(name);
    }
    fn conv_bn_relu(&mut self, name: &str, co: usize, k: usize, s: usize, pad: usize, relu: bool) {
        self.conv(name, co, k, s, pad);
        self.norm(name);
        if relu {
            self.relu(name);
        }
    }
}

/// AlexNet (Krizhevsky et al., NIPS 2012): 227x227 input, conv2/4/5 in two
/// groups as in the paper.
pub fn alexnet() -> Net {
    let mut b = B::new(3, 227);
    b.conv_relu("conv1", 96, 11, 4, 0);
    b.pool("pool1", 3, 2, 0);
    b.conv_g("conv2", 256, 5, 1, 2, 2);
    b.relu("conv2");
    b.pool("pool2", 3, 2, 0);
    b.conv_relu("conv3", 384, 3, 1, 1);
    b.conv_g("conv4", 384, 3, 1, 1, 2);
    b.relu("conv4");
    b.conv_g("conv5", 256, 3, 1, 1, 2);
    b.relu("conv5");
    b.pool("pool5", 3, 2, 0);
    b.fc("fc6", 4096);
    b.relu("fc6");
    b.fc("fc7", 4096);
    b.relu("fc7");
    b.fc("fc8", 1000);
    Net {
        name: "alexnet",
        input: (3, 227, 227),
        layers: b.layers,
    }
}

/// VGG-16 (Simonyan & Zisserman, configuration D): 224x224 input.
pub fn vgg16() -> Net {
    let mut b = B::new(3, 224);
    for (st, (co, n)) in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]
        .into_iter()
        .enumerate()
    {
        for i in 0..n {
            b.conv_relu(&format!("conv{}_{}", st + 1, i + 1), co, 3, 1, 1);
        }
        b.pool(&format!("pool{}", st + 1), 2, 2, 0);
    }
    b.fc("fc6", 4096);
    b.relu("fc6");
    b.fc("fc7", 4096);
    b.relu("fc7");
    b.fc("fc8", 1000);
    Net {
        name: "vgg16",
        input: (3, 224, 224),
        layers: b.layers,
    }
}

/// ResNet-18/34 (basic blocks) and ResNet-50 (bottlenecks, stride in the
/// first 1x1 as in He et al., CVPR 2016), projection shortcuts where the
/// shape changes, 224x224 input.
pub fn resnet(depth: usize) -> Net {
    let blocks = match depth {
        18 => [2, 2, 2, 2],
        34 | 50 => [3, 4, 6, 3],
        _ => panic!("resnet depth {depth}"),
    };
    let bottleneck = depth == 50;
    let mut b = B::new(3, 224);
    b.conv_bn_relu("conv1", 64, 7, 2, 3, true);
    b.pool("pool1", 3, 2, 1);
    for (st, &n) in blocks.iter().enumerate() {
        let width = 64 << st;
        let outc = if bottleneck { 4 * width } else { width };
        for i in 0..n {
            let s = if i == 0 && st > 0 { 2 } else { 1 };
            let name = format!("res{}{}", st + 2, (b'a' + i as u8) as char);
            let (c0, h0, w0) = (b.c, b.h, b.w);
            if bottleneck {
                b.conv_bn_relu(&format!("{name}.2a"), width, 1, s, 0, true);
                b.conv_bn_relu(&format!("{name}.2b"), width, 3, 1, 1, true);
                b.conv_bn_relu(&format!("{name}.2c"), outc, 1, 1, 0, false);
            } else {
                b.conv_bn_relu(&format!("{name}.2a"), width, 3, s, 1, true);
                b.conv_bn_relu(&format!("{name}.2b"), width, 3, 1, 1, false);
            }
            if c0 != outc || s != 1 {
                let (c, h, w) = (b.c, b.h, b.w);
                b.layers.push(Layer::Conv {
                    name: format!("{name}.1"),
                    ci: c0,
                    co: outc,
                    h: h0,
                    w: w0,
                    k: 1,
                    s,
                    pad: 0,
                    groups: 1,
                });
                b.layers.push(Layer::Norm {
                    name: format!("{name}.1.bn"),
                    c,
                    h,
                    w,
                });
            }
            b.layers.push(Layer::Add {
                name: format!("{name}.add"),
                c: b.c,
                h: b.h,
                w: b.w,
            });
            b.relu(&name);
        }
    }
    b.pool("pool5", b.h, 1, 0);
    b.fc("fc1000", 1000);
    Net {
        name: match depth {
            18 => "resnet18",
            34 => "resnet34",
            _ => "resnet50",
        },
        input: (3, 224, 224),
        layers: b.layers,
    }
}

/// GoogLeNet (Szegedy et al., CVPR 2015, Table 1) without the auxiliary
/// classifiers and LRN: 224x224 input.
pub fn googlenet() -> Net {
    let mut b = B::new(3, 224);
    b.conv_relu("conv1", 64, 7, 2, 3);
    b.pool("pool1", 3, 2, 1);
    b.conv_relu("conv2_reduce", 64, 1, 1, 0);
    b.conv_relu("conv2", 192, 3, 1, 1);
    b.pool("pool2", 3, 2, 1);
    let inc = |b: &mut B, name: &str, p: [usize; 6]| {
        let (c, h, w) = (b.c, b.h, b.w);
        let mut branch = |suffix: &str, ci: usize, co: usize, k: usize| {
            b.layers.push(Layer::Conv {
                name: format!("{name}.{suffix}"),
                ci,
                co,
                h,
                w,
                k,
                s: 1,
                pad: k / 2,
                groups: 1,
            });
            b.layers.push(Layer::Relu {
                name: format!("{name}.{suffix}.relu"),
                c: co,
                h,
                w,
            });
        };
        branch("1x1", c, p[0], 1);
        branch("3x3_reduce", c, p[1], 1);
        branch("3x3", p[1], p[2], 3);
        branch("5x5_reduce", c, p[3], 1);
        branch("5x5", p[3], p[4], 5);
        branch("pool_proj", c, p[5], 1);
        let proj = b.layers.pop().unwrap();
        let proj_conv = b.layers.pop().unwrap();
        b.layers.push(Layer::Pool {
            name: format!("{name}.pool"),
            c,
            h,
            w,
            k: 3,
            s: 1,
            pad: 1,
        });
        b.layers.push(proj_conv);
        b.layers.push(proj);
        b.c = p[0] + p[2] + p[4] + p[5];
    };
    inc(&mut b, "3a", [64, 96, 128, 16, 32, 32]);
    inc(&mut b, "3b", [128, 128, 192, 32, 96, 64]);
    b.pool("pool3", 3, 2, 1);
    inc(&mut b, "4a", [192, 96, 208, 16, 48, 64]);
    inc(&mut b, "4b", [160, 112, 224, 24, 64, 64]);
    inc(&mut b, "4c", [128, 128, 256, 24, 64, 64]);
    inc(&mut b, "4d", [112, 144, 288, 32, 64, 64]);
    inc(&mut b, "4e", [256, 160, 320, 32, 128, 128]);
    b.pool("pool4", 3, 2, 1);
    inc(&mut b, "5a", [256, 160, 320, 32, 128, 128]);
    inc(&mut b, "5b", [384, 192, 384, 48, 128, 128]);
    b.pool("pool5", 7, 1, 0);
    b.fc("fc", 1000);
    Net {
        name: "googlenet",
        input: (3, 224, 224),
        layers: b.layers,
    }
}

/// The digits CNN of `ntx train` (`dnn::net`): 1x8x8 input.
pub fn digits() -> Net {
    use crate::dnn::net::{C1, C2, CLASSES};
    let mut b = B::new(1, 8);
    b.conv_relu("conv1", C1, 3, 1, 1);
    b.pool("pool1", 2, 2, 0);
    b.conv_relu("conv2", C2, 3, 1, 1);
    b.fc("fc", CLASSES);
    Net {
        name: "digits",
        input: (1, 8, 8),
        layers: b.layers,
    }
}
