#include "core/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace pixforge::units {
namespace {

struct UnitDef {
    const char* symbol;
    Dimension dimension;
    double factor;  // SI value of one unit
};

// The one table of units. Micro accepts both "u" and "µ".
constexpr double e = kElementaryCharge;
const UnitDef kUnits[] = {
    {"s", Dimension::Time, 1.0},
    {"ms", Dimension::Time, 1e-3},
    {"us", Dimension::Time, 1e-6},
    {"µs", Dimension::Time, 1e-6},
    {"ns", Dimension::Time, 1e-9},
    {"ps", Dimension::Time, 1e-12},
    {"fs", Dimension::Time, 1e-15},
    {"Hz", Dimension::Frequency, 1.0},
    {"kHz", Dimension::Frequency, 1e3},
    {"MHz", Dimension::Frequency, 1e6},
    {"GHz", Dimension::Frequency, 1e9},
    {"MS/s", Dimension::Frequency, 1e6},
    {"GS/s", Dimension::Frequency, 1e9},
    {"kS/s", Dimension::Frequency, 1e3},
    {"/s", Dimension::Rate, 1.0},
    {"/ms", Dimension::Rate, 1e3},
    {"/us", Dimension::Rate, 1e6},
    {"cps", Dimension::Rate, 1.0},
    {"kcps", Dimension::Rate, 1e3},
    {"Mcps", Dimension::Rate, 1e6},
    {"eV", Dimension::Energy, e},
    {"keV", Dimension::Energy, 1e3 * e},
    {"MeV", Dimension::Energy, 1e6 * e},
    {"J", Dimension::Energy, 1.0},
    {"pJ", Dimension::Energy, 1e-12},
    {"fJ", Dimension::Energy, 1e-15},
    {"e-", Dimension::Charge, e},
    {"ke-", Dimension::Charge, 1e3 * e},
    {"C", Dimension::Charge, 1.0},
    {"fC", Dimension::Charge, 1e-15},
    {"aC", Dimension::Charge, 1e-18},
    {"pC", Dimension::Charge, 1e-12},
    {"F", Dimension::Capacitance, 1.0},
    {"pF", Dimension::Capacitance, 1e-12},
    {"fF", Dimension::Capacitance, 1e-15},
    {"nF", Dimension::Capacitance, 1e-9},
    {"m", Dimension::Length, 1.0},
    {"cm", Dimension::Length, 1e-2},
    {"mm", Dimension::Length, 1e-3},
    {"um", Dimension::Length, 1e-6},
    {"µm", Dimension::Length, 1e-6},
    {"nm", Dimension::Length, 1e-9},
    {"V", Dimension::Voltage, 1.0},
    {"mV", Dimension::Voltage, 1e-3},
    {"uV", Dimension::Voltage, 1e-6},
    {"kV", Dimension::Voltage, 1e3},
    {"K", Dimension::Temperature, 1.0},
    {"W", Dimension::Power, 1.0},
    {"mW", Dimension::Power, 1e-3},
    {"uW", Dimension::Power, 1e-6},
    {"µW", Dimension::Power, 1e-6},
    {"nW", Dimension::Power, 1e-9},
    {"W/cm2", Dimension::PowerDensity, 1e4},
    {"mW/cm2", Dimension::PowerDensity, 10.0},
    {"mW/mm2", Dimension::PowerDensity, 1e3},
};

bool accepts(Dimension expected, Dimension actual) {
    if (expected == actual) return true;
    return expected == Dimension::ChargeOrEnergy &&
           (actual == Dimension::Charge || actual == Dimension::Energy);
}

std::string trim(std::string_view s) {
    size_t b = 0, e2 = s.size();
    while (b < e2 && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e2 > b && std::isspace(static_cast<unsigned char>(s[e2 - 1]))) --e2;
    return std::string(s.substr(b, e2 - b));
}

std::string with_article(const std::string& noun) {
    return (std::string("aeiou").find(noun.front()) != std::string::npos ? "an " : "a ") + noun;
}

}  // namespace

Quantity parse(std::string_view text, Dimension expected) {
    const std::string s = trim(text);
    if (s.empty()) throw std::invalid_argument("empty value");
    const char* begin = s.c_str();
    char* end = nullptr;
    const double number = std::strtod(begin, &end);
    if (end == begin) throw std::invalid_argument("no number at the start");
    if (!std::isfinite(number)) throw std::invalid_argument("the number is not finite");
    const std::string unit = trim(std::string_view(end));
    if (expected == Dimension::Dimensionless) {
        if (!unit.empty()) throw std::invalid_argument("a plain number takes no unit, got '" + unit + "'");
        return {number, Dimension::Dimensionless};
    }
    if (unit.empty()) throw std::invalid_argument("missing unit");
    for (const auto& def : kUnits) {
        if (unit == def.symbol) {
            if (!accepts(expected, def.dimension))
                throw std::invalid_argument("unit '" + unit + "' is " +
                                            with_article(dimension_name(def.dimension)) + ", not " +
                                            with_article(dimension_name(expected)));
            return {number * def.factor, def.dimension};
        }
    }
    throw std::invalid_argument("unknown unit '" + unit + "'");
}

std::string dimension_name(Dimension d) {
    switch (d) {
        case Dimension::Dimensionless:
            return "plain number";
        case Dimension::Time:
            return "time";
        case Dimension::Frequency:
            return "frequency";
        case Dimension::Rate:
            return "rate";
        case Dimension::Energy:
            return "energy";
        case Dimension::Charge:
            return "charge";
        case Dimension::ChargeOrEnergy:
            return "charge or energy";
        case Dimension::Capacitance:
            return "capacitance";
        case Dimension::Length:
            return "length";
        case Dimension::Voltage:
            return "voltage";
        case Dimension::Temperature:
            return "temperature";
        case Dimension::Power:
            return "power";
        case Dimension::PowerDensity:
            return "power density";
    }
    return "?";
}

std::string example(Dimension d) {
    switch (d) {
        case Dimension::Dimensionless:
            return "1.5";
        case Dimension::Time:
            return "\"25ns\"";
        case Dimension::Frequency:
            return "\"100MHz\"";
        case Dimension::Rate:
            return "\"2e5/s\"";
        case Dimension::Energy:
            return "\"10keV\"";
        case Dimension::Charge:
            return "\"100e-\"";
        case Dimension::ChargeOrEnergy:
            return "\"500e-\" or \"1.8keV\"";
        case Dimension::Capacitance:
            return "\"5fF\"";
        case Dimension::Length:
            return "\"450um\"";
        case Dimension::Voltage:
            return "\"200V\"";
        case Dimension::Temperature:
            return "\"293K\"";
        case Dimension::Power:
            return "\"40uW\"";
        case Dimension::PowerDensity:
            return "\"0.5W/cm2\"";
    }
    return "?";
}

std::vector<std::string> accepted_units(Dimension d) {
    std::vector<std::string> out;
    for (const auto& def : kUnits)
        if (accepts(d, def.dimension)) out.emplace_back(def.symbol);
    return out;
}

std::string format(double si, Dimension d) {
    struct Choice {
        const char* symbol;
        double factor;
    };
    // Choices are listed from the largest unit down: take the first that keeps the mantissa >= 1.
    auto pick = [&](std::initializer_list<Choice> choices) {
        const Choice* chosen = choices.end() - 1;
        for (const auto& c : choices) {
            if (si == 0.0 || std::fabs(si) >= c.factor * (1 - 1e-12)) {
                chosen = &c;
                break;
            }
        }
        return fmt::format("{:.9g} {}", si / chosen->factor, chosen->symbol);
    };
    switch (d) {
        case Dimension::Dimensionless:
            return fmt::format("{:.9g}", si);
        case Dimension::Time:
            return pick({{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}});
        case Dimension::Frequency:
            return pick({{"GHz", 1e9}, {"MHz", 1e6}, {"kHz", 1e3}, {"Hz", 1}});
        case Dimension::Rate:
            return fmt::format("{:.9g}/s", si);
        case Dimension::Energy:
            return pick({{"MeV", 1e6 * e}, {"keV", 1e3 * e}, {"eV", e}});
        case Dimension::Charge:
        case Dimension::ChargeOrEnergy:
            return fmt::format("{:.9g} e-", si / e);
        case Dimension::Capacitance:
            return pick({{"nF", 1e-9}, {"pF", 1e-12}, {"fF", 1e-15}});
        case Dimension::Length:
            return pick({{"m", 1}, {"mm", 1e-3}, {"um", 1e-6}, {"nm", 1e-9}});
        case Dimension::Voltage:
            return pick({{"kV", 1e3}, {"V", 1}, {"mV", 1e-3}, {"uV", 1e-6}});
        case Dimension::Temperature:
            return fmt::format("{:.9g} K", si);
        case Dimension::Power:
            return pick({{"W", 1}, {"mW", 1e-3}, {"uW", 1e-6}, {"nW", 1e-9}});
        case Dimension::PowerDensity:
            return fmt::format("{:.9g} W/cm2", si / 1e4);
    }
    return "?";
}

}  // namespace pixforge::units
