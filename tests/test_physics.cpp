// Physics of the pixel models against analytic expectations (notes/physics.md): peaking time,
// impulse and ballistic-deficit responses, ENC, Fano statistics, pile-up probability, dead-time
// throughput, ADC transfer, optimal-filter resolution limit.
#define BOOST_TEST_MODULE physics
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "core/config.hpp"
#include "models/chain_params.hpp"
#include "models/estimators/classical.hpp"
#include "models/noise.hpp"
#include "models/pixel_budget.hpp"
#include "models/pixel_chain.hpp"
#include "models/pulse_source.hpp"
#include "models/spectrum.hpp"
#include "models/stream_generator.hpp"
#include "models/window_generator.hpp"

using namespace pixforge;
using namespace pixforge::models;

namespace {

ChainParams params_with(const std::vector<std::string>& overrides) {
    return chain_params_from(Config::parse(pixforge::models::chain_keys(), "", "test", overrides));
}

FrontEndParams ideal_shaper(int n, double tau) {
    FrontEndParams p;
    p.rise_time_s = 0;
    p.decay_time_s = 0;
    p.pole_zero = true;
    p.shaper_order = n;
    p.shaper_tau_s = tau;
    return p;
}

double analytic_impulse(int n, double tau, double t) {
    if (t <= 0) return 0;
    const double peak = std::pow(n, n) * std::exp(-n) / std::tgamma(n + 1.0);
    return std::pow(t / tau, n) * std::exp(-t / tau) / std::tgamma(n + 1.0) / peak;
}

// Regularized lower incomplete gamma P(n+1, x) for integer n.
double gamma_p(int n, double x) {
    if (x <= 0) return 0;
    double term = 1, sum = 1;
    for (int k = 1; k <= n; ++k) sum += (term *= x / k);
    return 1 - std::exp(-x) * sum;
}

}  // namespace

BOOST_AUTO_TEST_CASE(peaking_time_is_n_tau) {
    for (int n : {1, 2, 4}) {
        const double tau = 25e-9;
        const FrontEndResponse fe(ideal_shaper(n, tau));
        BOOST_TEST(std::fabs(fe.peaking_time() - n * tau) / (n * tau) < 0.01,
                   "n = " << n << ": " << fe.peaking_time());
        BOOST_TEST(fe.peak() == 1.0, boost::test_tools::tolerance(1e-6));
    }
}

BOOST_AUTO_TEST_CASE(impulse_response_is_analytic) {
    for (int n : {1, 2, 4}) {
        const double tau = 25e-9;
        const FrontEndResponse fe(ideal_shaper(n, tau));
        double worst = 0;
        for (double t = 0; t < 20 * n * tau; t += tau / 7.3)
            worst = std::max(worst, std::fabs(fe.impulse(t) - analytic_impulse(n, tau, t)));
        BOOST_TEST(worst < 1e-6, "n = " << n << ": max deviation " << worst);
    }
}

BOOST_AUTO_TEST_CASE(rectangular_current_matches_closed_form) {
    // notes/physics.md 2.3: v(t) = (tau/T_c) [P(n+1, t/tau) - P(n+1, (t - T_c)/tau)], normalized.
    const int n = 2;
    const double tau = 25e-9, tc = 25e-9;
    const FrontEndResponse fe(ideal_shaper(n, tau));
    const double norm = std::tgamma(n + 1.0) / (std::pow(n, n) * std::exp(-n));
    double worst = 0, peak = 0, t_peak = 0;
    for (double t = 0; t < 400e-9; t += 0.37e-9) {
        const double expected = norm * tau / tc * (gamma_p(n, t / tau) - gamma_p(n, (t - tc) / tau));
        const double got = fe.rectangular(t, tc);
        worst = std::max(worst, std::fabs(got - expected));
        if (got > peak) peak = got, t_peak = t;
    }
    BOOST_TEST(worst < 1e-6);
    // Ballistic deficit: lower and later than the instantaneous pulse.
    BOOST_TEST(peak < 0.99);
    BOOST_TEST(t_peak > fe.peaking_time());
}

BOOST_AUTO_TEST_CASE(pole_zero_removes_the_undershoot) {
    FrontEndParams p = ideal_shaper(2, 25e-9);
    p.decay_time_s = 1e-6;
    p.pole_zero = false;
    const FrontEndResponse raw(p);
    p.pole_zero = true;
    const FrontEndResponse cancelled(p);
    double raw_min = 0, pz_min = 0;
    for (double t = 0; t < 5e-6; t += 1e-9) {
        raw_min = std::min(raw_min, raw.impulse(t));
        pz_min = std::min(pz_min, cancelled.impulse(t));
    }
    BOOST_TEST(raw_min < -1e-3);  // undershoot of relative area ~ tau / tau_f
    BOOST_TEST(pz_min > -1e-9);
    // The CR blocks DC: without pole-zero cancellation the net area vanishes.
    BOOST_TEST(std::fabs(raw.step_integral(1e-3)) < 1e-4 * 25e-9);
}

namespace {
// ENC from noise-only samples: rms over the peak response to one electron.
double enc_from_window_sampler(const PixelChain& chain, int draws) {
    const auto sampler = chain.noise().window_sampler(8);
    Rng rng(7, "enc test");
    std::vector<double> w(8);
    double sum2 = 0;
    for (int i = 0; i < draws; ++i) {
        sampler.draw(rng, w.data());
        sum2 += w[3] * w[3];
    }
    return std::sqrt(sum2 / draws) / chain.frontend().peak();
}
}  // namespace

BOOST_AUTO_TEST_CASE(enc_matches_configured_total_for_two_shaping_times) {
    for (const char* tau : {"25ns", "100ns"}) {
        const PixelChain chain(params_with({std::string("frontend.shaper_tau=") + tau}));
        const double target = chain.noise().enc_target();
        BOOST_TEST(target == std::sqrt(80.0 * 80 + 30 * 30 + 50 * 50), boost::test_tools::tolerance(1e-9));
        // Exact model variance.
        BOOST_TEST(chain.noise().rms() / chain.frontend().peak() == target,
                   boost::test_tools::tolerance(1e-6));
        // Sampled windows (20000 draws: 0.5 % statistical error).
        const double enc_windows = enc_from_window_sampler(chain, 20000);
        BOOST_TEST(std::fabs(enc_windows - target) / target < 0.05, tau << ": windows ENC " << enc_windows);
        // End to end: continuous stream through the ADC, no photons; code rms back to electrons.
        const EnergySpectrum spectrum(chain.params().spectrum);
        double sum = 0, sum2 = 0;
        std::size_t count = 0;
        generate_stream(
            chain, spectrum, 1e-6, 2e-3, Rng(3, "enc stream"), 65536, [&](const StreamChunk& chunk) {
                for (auto code : chunk.adc) {
                    const double e = (code - chain.adc().baseline_code()) * chain.electrons_per_code();
                    sum += e, sum2 += e * e, ++count;
                }
            });
        const double mean = sum / count;
        const double enc_stream = std::sqrt(sum2 / count - mean * mean) / chain.frontend().peak();
        BOOST_TEST_MESSAGE(tau << ": ENC target " << target << " e-, windows " << enc_windows
                               << " e-, ADC stream " << enc_stream << " e-");
        BOOST_TEST(std::fabs(enc_stream - target) / target < 0.05, tau << ": stream ENC " << enc_stream);
    }
}

// ENCs given at a reference shaping time follow the CR-RC^n noise indices at another: white series
// noise ENC^2 = F_v / tau, parallel ENC^2 = F_i tau with F_v, F_i fixed by n alone, so series ENC goes
// as 1/sqrt(tau) and parallel as sqrt(tau); 1/f noise ENC does not depend on tau (notes/physics.md
// section 3.3). Ideal shapers (no rise time), n = 1, 2, 4, tau from a fifth to 16x the reference.
BOOST_AUTO_TEST_CASE(enc_follows_the_shaping_time_as_the_noise_indices_say) {
    const double tau_ref = 25e-9;
    NoiseParams noise;
    noise.enc_series_e = 80, noise.enc_parallel_e = 30, noise.enc_flicker_e = 50;
    noise.reference_shaping_time_s = tau_ref;
    for (int n : {1, 2, 4}) {
        for (double tau : {5e-9, 25e-9, 100e-9, 400e-9}) {
            const FrontEndResponse frontend(ideal_shaper(n, tau));
            const NoiseModel model(noise, frontend, 10e-9);
            const auto& enc = model.source_enc();
            const double r = tau / tau_ref;
            BOOST_TEST_MESSAGE("n " << n << ", tau " << tau * 1e9 << " ns: series " << enc.series
                                    << ", parallel " << enc.parallel << ", 1/f " << enc.flicker << " e-");
            BOOST_TEST(enc.series == 80 / std::sqrt(r), boost::test_tools::tolerance(1e-6));
            BOOST_TEST(enc.parallel == 30 * std::sqrt(r), boost::test_tools::tolerance(1e-6));
            // The 1/f band is two Lorentzians per decade: flat to its ripple.
            BOOST_TEST(enc.flicker == 50.0, boost::test_tools::tolerance(0.02));
            // The model's own output variance carries the moved ENCs.
            const double total =
                std::sqrt(enc.series * enc.series + enc.parallel * enc.parallel + enc.flicker * enc.flicker);
            BOOST_TEST(model.enc_target() == total, boost::test_tools::tolerance(1e-12));
            BOOST_TEST(model.rms() / frontend.peak() == total, boost::test_tools::tolerance(1e-6));
        }
    }
    // Without a reference the ENCs hold at any tau (the calibration the scenarios were written for).
    noise.reference_shaping_time_s = 0;
    const NoiseModel fixed(noise, FrontEndResponse(ideal_shaper(2, 400e-9)), 10e-9);
    BOOST_TEST(fixed.source_enc().series == 80.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(fixed.source_enc().parallel == 30.0, boost::test_tools::tolerance(1e-9));
}

// The stream's innovations model (one normal per sample) has the state model's autocovariance at
// every lag, out past the slowest shaping and into the 1/f tail.
// A 1/f band down to 10 Hz would take the Riccati recursion ~1.6e6 steps: the stream then keeps
// the state model's own input, with the same autocovariance.
BOOST_AUTO_TEST_CASE(stream_model_has_the_exact_autocovariance) {
    for (const char* low : {"10kHz", "10Hz"}) {
        const PixelChain chain(params_with({std::string("noise.flicker_low=\"") + low + "\""}));
        const NoiseModel& noise = chain.noise();
        BOOST_TEST_MESSAGE(low << ": Riccati iterations " << noise.riccati_iterations());
        if (std::string(low) == "10kHz")
            BOOST_TEST(noise.riccati_iterations() > 0);  // the innovations form: one normal per sample
        else
            BOOST_TEST(noise.riccati_iterations() == 0);
        for (int lag : {0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 500, 2000}) {
            BOOST_TEST(std::fabs(noise.stream_autocovariance(lag) - noise.autocovariance(lag)) <
                           1e-9 * noise.autocovariance(0),
                       low << " lag " << lag << ": " << noise.stream_autocovariance(lag) << " vs "
                           << noise.autocovariance(lag));
        }
    }
}

BOOST_AUTO_TEST_CASE(stream_and_window_noise_share_one_autocovariance) {
    for (const char* low : {"10kHz", "10Hz"}) {  // innovations form, state model's own input
        const PixelChain chain(params_with({std::string("noise.flicker_low=\"") + low + "\""}));
        Rng start(11, "stationary start");
        NoiseModel::Stream stream = chain.noise().stream(start);
        Rng rng(12, "acov");
        const int n = 400000;
        std::vector<double> x(n);
        for (auto& v : x) v = stream.next(rng);
        for (int lag : {0, 1, 2, 3, 4, 5, 8, 12, 20}) {
            double s = 0;
            for (int i = lag; i < n; ++i) s += x[i] * x[i - lag];
            const double measured = s / (n - lag), expected = chain.noise().autocovariance(lag);
            BOOST_TEST(std::fabs(measured - expected) < 0.03 * chain.noise().autocovariance(0),
                       low << " lag " << lag);
        }
    }
}

BOOST_AUTO_TEST_CASE(fano_variance_of_collected_charge) {
    const ChainParams p = params_with({"sensor.current_shape=\"delta\"", "sensor.attenuation_length=0um"});
    const SensorModel sensor(p.sensor);
    Rng rng(5, "fano");
    const int n = 50000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        const double q = sensor.deposit(10e3, rng).collected_e;
        sum += q, sum2 += q * q;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    const double pairs = 10e3 / 3.64;
    BOOST_TEST(mean == pairs, boost::test_tools::tolerance(0.001));
    BOOST_TEST(var == 0.115 * pairs, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(pileup_fraction_of_poisson_stream) {
    const PixelChain chain(params_with({}));
    const EnergySpectrum spectrum(chain.params().spectrum);
    const double rate = 2e5, window = 250e-9;
    PulseSource source(chain, spectrum, rate, Rng(9, "pileup"));
    const int n = 200000;
    std::vector<double> t(n);
    for (auto& v : t) v = source.next().t0_s;
    int piled = 0;
    for (int i = 0; i < n; ++i) {
        const bool before = i > 0 && t[i] - t[i - 1] < window;
        const bool after = i + 1 < n && t[i + 1] - t[i] < window;
        piled += before || after;
    }
    const double expected = 1 - std::exp(-2 * rate * window);
    const double fraction = static_cast<double>(piled) / n;
    const double error = std::sqrt(expected * (1 - expected) / n);
    BOOST_TEST_MESSAGE("pile-up fraction " << fraction << " vs 1 - exp(-2nT) = " << expected << " +- "
                                           << error);
    BOOST_TEST(std::fabs(fraction - expected) < 5 * error, fraction << " vs " << expected);
}

BOOST_AUTO_TEST_CASE(dead_time_throughput_follows_its_policy) {
    // Noise off, instantaneous charges well above threshold, short pulses (time over threshold
    // ~ 70 ns << dead time): every arrival outside the dead time triggers, so the output rate
    // follows the textbook formula of the policy. (With long pulses the edge-triggered
    // comparator also misses arrivals riding on a predecessor still above threshold.)
    const double rate = 5e5, dead = 2e-6;
    for (const char* policy : {"nonparalyzable", "paralyzable"}) {
        const ChainParams p = params_with(
            {"noise.enabled=false", "sensor.current_shape=\"delta\"", "sensor.charge_sharing=false",
             "spectrum.min=10keV", "spectrum.max=12keV", "source.rate=5e5/s", "trigger.dead_time=2us",
             "frontend.shaper_tau=10ns", "frontend.rise_time=1ns", std::string("trigger.policy=") + policy});
        const PixelChain chain(p);
        const EnergySpectrum spectrum(p.spectrum);
        WindowGenerator gen(chain, spectrum, rate, Rng(3, policy));
        LabelledWindow w;
        for (int i = 0; i < 20000; ++i) gen.next(w);
        const double measured = gen.counters().triggers / gen.counters().elapsed_s;
        const double expected =
            std::string(policy) == "paralyzable" ? rate * std::exp(-rate * dead) : rate / (1 + rate * dead);
        BOOST_TEST_MESSAGE(policy << ": output rate " << measured << " /s, formula " << expected << " /s");
        BOOST_TEST(std::fabs(measured - expected) / expected < 0.03,
                   policy << ": " << measured << " vs " << expected);
    }
}

BOOST_AUTO_TEST_CASE(adc_transfer_quantizes_and_saturates) {
    AdcParams a;
    a.bits = 10;
    a.full_scale_e = 8192;
    a.baseline_e = 512;
    const Adc adc(a, 1);
    BOOST_TEST(adc.lsb_e() == 8.0);
    BOOST_TEST(adc.convert(512) == 64);
    BOOST_TEST(adc.convert(512 + 3.9) == 64);
    BOOST_TEST(adc.convert(512 + 4.1) == 65);
    BOOST_TEST(adc.convert(-1000) == 0);
    BOOST_TEST(adc.convert(1e6) == 1023);
    a.dnl_lsb = 0.3;
    const Adc nonlinear(a, 1);
    int previous = 0, changed = 0;
    for (double e = 0; e < 8192; e += 0.5) {
        const int code = nonlinear.convert(e);
        BOOST_TEST_REQUIRE(code >= previous);  // monotonic
        changed += code != adc.convert(e);
        previous = code;
    }
    BOOST_TEST(previous == 1023);
    BOOST_TEST(changed > 0);
}

BOOST_AUTO_TEST_CASE(optimal_filter_reaches_its_resolution_limit_at_low_rate) {
    // Low rate, no sharing, all photons converting at the entrance: one pulse shape, so the OF
    // should reach sqrt(FWHM_noise^2 + FWHM_Fano^2), FWHM_noise from the filter's exact variance.
    const std::vector<std::string> common = {"source.rate=1e3/s", "sensor.charge_sharing=false",
                                             "sensor.attenuation_length=0um"};
    auto with = [&](std::vector<std::string> extra) {
        extra.insert(extra.end(), common.begin(), common.end());
        return params_with(extra);
    };
    const ChainParams p = with({"test_spectrum.lines=[\"10keV\"]"});
    const PixelChain chain(p);
    const WindowContext context(chain);
    OptimalFilterEstimator of(context);
    // Calibrate on the uniform training spectrum.
    const EnergySpectrum train(p.spectrum), test(p.test_spectrum);
    WindowGenerator cal_gen(chain, train, p.rate_per_s, Rng(1, "cal"));
    LabelledWindow w;
    std::vector<CalibrationSample> samples;
    for (int i = 0; i < 5000; ++i) {
        cal_gen.next(w);
        samples.push_back({of.measure(w.adc.data()), w.energy_eV, w.t0_s});
    }
    of.calibrate(samples);
    WindowGenerator gen(chain, test, p.rate_per_s, Rng(2, "test"));
    std::vector<double> energies, t0s;
    for (int i = 0; i < 20000; ++i) {
        gen.next(w);
        energies.push_back(of.estimate(w.adc.data()).energy_eV);
        t0s.push_back(w.t0_s);
    }
    double mean = 0, var = 0;
    for (double e : energies) mean += e / energies.size();
    for (double e : energies) var += (e - mean) * (e - mean) / energies.size();
    const double fwhm = 2.3548 * std::sqrt(var);
    // The filter's noise bound in eV: amplitude variance (codes^2) x (eV per amplitude unit)^2.
    const double ev_per_amplitude = of.estimate(w.adc.data()).energy_eV / of.measure(w.adc.data()).amplitude;
    double t0_mean = 0;
    for (double t : t0s) t0_mean += t / t0s.size();
    const double noise_fwhm = 2.3548 * std::sqrt(of.amplitude_variance(t0_mean)) * ev_per_amplitude;
    const double fano_fwhm = 2.3548 * std::sqrt(0.115 * 3.64 * 10e3);
    const double limit = std::hypot(noise_fwhm, fano_fwhm);
    BOOST_TEST_MESSAGE("OF at 10 keV, 1e3/s: FWHM " << fwhm << " eV; limit " << limit << " eV (noise "
                                                    << noise_fwhm << " eV, Fano " << fano_fwhm << " eV)");
    BOOST_TEST(std::fabs(fwhm - limit) / limit < 0.10,
               "OF FWHM " << fwhm << " eV vs limit " << limit << " eV");
    BOOST_TEST(std::fabs(mean - 10e3) < 50.0);  // calibrated centroid
}

// A pixel's budget and the smallest pitch a design fits, against hand arithmetic: a 250 um pixel,
// half of it digital (31 250 um^2), 0.5 W/cm^2 (312.5 uW); an 8-bit 20 MS/s ADC at 10 fJ per step
// (51.2 uW) and a 20 front end (20 uW).
BOOST_AUTO_TEST_CASE(pixel_budget_and_smallest_pitch) {
    ConfigSchema schema;
    declare_chain_keys(schema);
    declare_pixel_keys(schema);
    const Config config =
        Config::parse(schema, "", "test",
                      {"sensor.pitch=\"250um\"", "pixel.digital_fraction=0.5",
                       "pixel.power_density=\"0.5W/cm2\"", "pixel.frontend_power=\"20uW\"",
                       "pixel.adc_fom=\"10fJ\"", "adc.bits=8", "adc.sampling_rate=\"20MHz\""});
    const PixelBudget budget = PixelBudget::from_config(config);
    const AdcParams adc = chain_params_from(config).adc;
    BOOST_TEST(budget.digital_area_um2() == 31250.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(budget.power_W() == 312.5e-6, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(budget.adc_power_W(adc) == 51.2e-6, boost::test_tools::tolerance(1e-12));

    // Fits: 20 000 um^2 and 100 uW digital; the area sets the pitch, sqrt(20 000 / 0.5) = 200 um.
    const PixelFit small = fit_pixel(budget, adc, 20000, 100e-6);
    BOOST_TEST(small.fits());
    BOOST_TEST(small.pixel_W() == 171.2e-6, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(small.area_over_um2 == -11250.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(small.power_over_W == -141.3e-6, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(small.smallest_pitch_m == 200e-6, boost::test_tools::tolerance(1e-12));

    // Over on power: 10 000 um^2 but 400 uW digital; the power sets the pitch,
    // sqrt(471.2 uW / 0.5 W/cm^2) = 307 um.
    const PixelFit hungry = fit_pixel(budget, adc, 10000, 400e-6);
    BOOST_TEST(!hungry.fits());
    BOOST_TEST(hungry.area_over_um2 < 0);
    BOOST_TEST(hungry.power_over_W == 158.7e-6, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(hungry.smallest_pitch_m == std::sqrt(471.2e-6 / 5000), boost::test_tools::tolerance(1e-12));

    // The same design in a 75 um pixel (2 812.5 um^2 digital, 28.1 uW in all) fits neither way.
    PixelBudget small_pixel = budget;
    small_pixel.pitch_m = 75e-6;
    const PixelFit tight = fit_pixel(small_pixel, adc, 20000, 100e-6);
    BOOST_TEST(tight.area_over_um2 == 20000 - 2812.5, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(tight.power_over_W > 0);
    BOOST_TEST(tight.smallest_pitch_m == small.smallest_pitch_m, boost::test_tools::tolerance(1e-12));
}
