import ArgumentParser
@main struct Switchboard: AsyncParsableCommand { func run() async throws {} }
