#include <iostream>

#include "app/cli.hpp"

int main(int argc, char** argv) {
    return pixforge::app::run_cli(std::vector<std::string>(argv, argv + argc), std::cout, std::cerr);
}
