package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;

/** Upsampling, pixel and channel shuffles, and Fold/Unfold (sliding blocks to columns and back). */
final class ResamplingRules {
    private static final String[] MODES = {"nearest", "linear", "bilinear", "bicubic", "trilinear", "nearest-exact", "area"};

    private ResamplingRules() {}

    static void register(Rules r) {
        r.add("Upsample", "size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None",
                c -> upsample(c, c.expectRank(0, "[N, C, L], [N, C, H, W] or [N, C, D, H, W]", 3, 4, 5)));
        r.add("UpsamplingNearest2d", "size=None, scale_factor=None", c -> upsample(c, c.expectRank(0, "[N, C, H, W]", 4)));
        r.add("UpsamplingBilinear2d", "size=None, scale_factor=None", c -> upsample(c, c.expectRank(0, "[N, C, H, W]", 4)));
        r.add("PixelShuffle", "", ResamplingRules::pixelShuffle);
        r.add("PixelUnshuffle", "", ResamplingRules::pixelUnshuffle);
        r.add("ChannelShuffle", "", ResamplingRules::channelShuffle);
        r.add("Unfold", "dilation=1, padding=0, stride=1", ResamplingRules::unfold);
        r.add("Fold", "dilation=1, padding=0, stride=1", ResamplingRules::fold);
    }

    private static Result upsample(Call c, Shape in) {
        Args a = c.args();
        int d = in.rank() - 2;
        if (c.type().equals("Upsample")) {
            String mode = a.text("mode", MODES);
            int needed = switch (mode) {
                case "linear" -> 1;
                case "bilinear", "bicubic" -> 2;
                case "trilinear" -> 3;
                default -> d;
            };
            if (needed != d) {
                throw new ShapeException("mode '" + mode + "' works on " + Windows.LAYOUTS[needed] + " inputs, but gets " + in);
            }
        }
        boolean bySize = !a.isNone("size");
        if (bySize == !a.isNone("scale_factor")) {
            throw new ShapeException("needs either size or scale_factor (exactly one of them)");
        }
        int[] size = in.tail(d);
        if (bySize) {
            size = a.ints("size", d, 1);
        } else {
            JsonNode s = a.required("scale_factor");
            for (int i = 0; i < d; i++) {
                JsonNode f = s.isArray() && s.size() == d ? s.get(i) : s;
                if (!f.isNumber() || f.asDouble() <= 0) {
                    throw a.wrongType("scale_factor", "a positive number or a tuple of " + d + " of them", s);
                }
                size[i] = size[i] == Shape.N ? Shape.N : (int) Math.floor(size[i] * f.asDouble());
                if (size[i] == 0) {
                    throw new ShapeException("scale_factor " + f + " shrinks the input " + in + " to nothing");
                }
            }
        }
        return Result.of(in.head(2, size));
    }

    private static Result pixelShuffle(Call c) {
        Shape in = c.expectRank(0, "[N, C·r², H, W]", 3, 4, 5, 6);
        int r = c.args().integer("upscale_factor", 1);
        int ch = in.dim(-3);
        if (ch == Shape.N || ch % (r * r) != 0) {
            throw new ShapeException("needs channels divisible by upscale_factor² = " + (r * r) + ", but gets " + in);
        }
        return Result.of(in.with(-3, ch / (r * r)).with(-2, times(in.dim(-2), r)).with(-1, times(in.dim(-1), r)));
    }

    private static Result pixelUnshuffle(Call c) {
        Shape in = c.expectRank(0, "[N, C, H·r, W·r]", 3, 4, 5, 6);
        int r = c.args().integer("downscale_factor", 1);
        if (in.dim(-1) % r != 0 || in.dim(-2) % r != 0) {
            throw new ShapeException("needs height and width divisible by downscale_factor " + r + ", but gets " + in);
        }
        return Result.of(in.with(-3, times(in.dim(-3), r * r)).with(-2, in.dim(-2) / r).with(-1, in.dim(-1) / r));
    }

    private static Result channelShuffle(Call c) {
        Shape in = c.expectRank(0, "[N, C, …]", 3, 4, 5, 6);
        int groups = c.args().integer("groups", 1);
        if (in.dim(1) % groups != 0) {
            throw new ShapeException("groups " + groups + " must divide the " + in.dim(1) + " channels of " + in);
        }
        return Result.of(in);
    }

    private static Result unfold(Call c) {
        Shape in = c.expectRank(0, "[N, C, H, W]", 4);
        Args a = c.args();
        int[] k = a.ints("kernel_size", 2, 1);
        int[] blocks = Windows.slide(in, k, a.ints("stride", 2, 1), a.ints("padding", 2, 0), a.ints("dilation", 2, 1), false);
        long count = (long) blocks[0] * blocks[1];
        return Result.of(Shape.of(in.dim(0), times(in.dim(1), (int) ConvolutionRules.product(k)),
                blocks[0] == Shape.N || blocks[1] == Shape.N ? Shape.N : (int) count));
    }

    private static Result fold(Call c) {
        Shape in = c.expectRank(0, "[N, C·kernel, blocks]", 3);
        Args a = c.args();
        int[] out = a.ints("output_size", 2, 1);
        int[] k = a.ints("kernel_size", 2, 1);
        int kernel = (int) ConvolutionRules.product(k);
        if (in.dim(1) % kernel != 0) {
            throw new ShapeException("needs dimension 1 divisible by the kernel size " + Shape.extent(k) + " = " + kernel + ", but gets " + in);
        }
        int[] blocks = Windows.slide(Shape.of(0, 0, out[0], out[1]), k, a.ints("stride", 2, 1), a.ints("padding", 2, 0),
                a.ints("dilation", 2, 1), false);
        int expected = blocks[0] * blocks[1];
        if (in.dim(2) != expected) {
            throw new ShapeException("output_size " + Shape.extent(out) + " holds " + expected + " blocks, but the input "
                    + in + " has " + in.dim(2));
        }
        return Result.of(Shape.of(in.dim(0), in.dim(1) / kernel, out[0], out[1]));
    }

    private static int times(int size, int factor) {
        return size == Shape.N ? Shape.N : size * factor;
    }
}
