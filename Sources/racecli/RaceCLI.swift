@main struct RaceCLI { static func main() {} }
