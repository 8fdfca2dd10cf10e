// Sensor material constants (notes/physics.md section 1). Values at room temperature except Ge (77 K).
#pragma once

#include <string>
#include <vector>

namespace pixforge::models {

struct Material {
    std::string name;
    double pair_energy_eV;   // mean energy per electron-hole pair
    double fano;             // Fano factor
    double mobility_e_m2Vs;  // electron mobility
    double mobility_h_m2Vs;  // hole mobility
    double mu_tau_e_m2V;     // electron mobility-lifetime product (Hecht trapping)
    double mu_tau_h_m2V;     // hole mobility-lifetime product
};

const Material& material_by_name(const std::string& name);  // throws std::out_of_range
const std::vector<Material>& all_materials();

}  // namespace pixforge::models
