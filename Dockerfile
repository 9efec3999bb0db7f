# One image for every cachepipe process; docker-compose.yml picks the main class per service.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl cli -am package

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/cli/target/cachepipe.jar /app/cachepipe.jar
COPY --from=build /src/cli/target/lib /app/lib
COPY examples /app/examples
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-cp", "/app/cachepipe.jar:/app/lib/*"]
CMD ["io.cachepipe.cli.CachepipeCommand", "--help"]
