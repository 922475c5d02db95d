/// The GS1 Core Business Vocabulary 2.0 words EPCIS events use, by kind.
public enum CBV {
    /// Business steps (`bizStep`).
    public static let businessSteps: Set<String> = [
        "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
        "creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying", "disassembling",
        "dispensing", "encoding", "entering_exiting", "holding", "inspecting", "installing", "killing", "loading",
        "other", "packing", "picking", "receiving", "removing", "repackaging", "repairing", "replacing", "reserving",
        "retail_selling", "sampling", "sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking",
        "storing", "transporting", "unloading", "unpacking", "void_shipping",
    ]

    /// Dispositions (`disposition`, `persistentDisposition`).
    public static let dispositions: Set<String> = [
        "active", "available", "completeness_inferred", "completeness_verified", "conformant",
        "container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired",
        "in_progress", "in_transit", "inactive", "mismatch_class", "mismatch_instance", "mismatch_quantity",
        "needs_replacement", "no_pedigree_match", "non_conformant", "non_sellable_other", "partially_dispensed",
        "recalled", "reserved", "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible",
        "stolen", "unavailable", "unknown",
    ]

    /// Business transaction types (`bizTransactionList[].type`).
    public static let businessTransactionTypes: Set<String> = [
        "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres",
        "upevt",
    ]

    /// Source and destination types.
    public static let sourceDestinationTypes: Set<String> = [
        "location", "owning_party", "possessing_party",
    ]

    /// Reasons of an error declaration.
    public static let errorReasons: Set<String> = [
        "did_not_occur", "incorrect_data",
    ]

    /// Sensor measurement types (`sensorReport.type`).
    public static let measurementTypes: Set<String> = [
        "AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity", "Altitude",
        "AmountOfSubstance", "AmountOfSubstancePerUnitVolume", "Angle", "AngularAcceleration", "AngularMomentum",
        "AngularVelocity", "Area", "Capacitance", "Conductance", "Conductivity", "Count", "Density", "Dimensionless",
        "DoseEquivalent", "DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent",
        "ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force", "Frequency", "Illuminance",
        "Inductance", "Irradiance", "KinematicViscosity", "Length", "LinearMomentum", "Luminance", "LuminousFlux",
        "LuminousIntensity", "MagneticFlux", "MagneticFluxDensity", "MagneticVectorPotential", "Mass",
        "MassConcentration", "MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy",
        "MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity", "RelativeHumidity",
        "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed", "SurfaceDensity", "SurfaceTension",
        "Temperature", "Time", "Torque", "Voltage", "Volume", "VolumeFlowRate", "VolumeFraction", "VolumetricFlux",
        "Wavenumber",
    ]

    /// Sensor alert types (`sensorReport.exception`).
    public static let sensorAlertTypes: Set<String> = ["ALARM_CONDITION", "ERROR_CONDITION"]
}
